"""What goes into a layer: photos, digits and named filters."""
