"""The web server: ``create_app(settings)`` and its route tables."""
