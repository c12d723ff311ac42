"""Reading the coordination database: one module per view, all inside one transaction."""
