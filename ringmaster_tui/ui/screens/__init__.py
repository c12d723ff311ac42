"""Full screens and dialogs, one module each, named after what the user sees."""
