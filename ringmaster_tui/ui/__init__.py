"""The Textual user interface: reads snapshots, asks the app to act; never the database."""
