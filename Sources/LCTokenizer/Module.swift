// LCTokenizer: see the files beside this one.
