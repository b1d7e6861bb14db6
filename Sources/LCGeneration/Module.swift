// LCGeneration: see the files beside this one.
