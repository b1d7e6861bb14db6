// LCSafety: see the files beside this one.
