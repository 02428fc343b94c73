// The formats (hook names, JSON values, digests, prompt files) live in the C-free Formats module;
// code that imports ModelFiles keeps seeing them.
@_exported import Formats
