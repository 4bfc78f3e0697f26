"""Photos from the field: checked by their bytes, stripped of metadata, served only to those
who may see a record that shows them."""
