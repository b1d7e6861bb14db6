// LCModel: see the files beside this one.
