"""Dashboard side: the only door to the warehouse (db), shared page parts (components), pure
chart functions (charts) and number / date / disclosure formatting (formatting)."""
