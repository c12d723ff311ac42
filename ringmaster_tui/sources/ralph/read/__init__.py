"""What the Ralph source reads, one module per job."""
