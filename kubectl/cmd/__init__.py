"""One module per verb group; __main__ imports a module only when its verb runs."""
