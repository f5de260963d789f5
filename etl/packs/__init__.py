"""Board and review packs: a small document model (``model``), the content builders (``board``,
``review``) and one renderer per format (``pdf``, ``pptx``, ``xlsx``)."""
