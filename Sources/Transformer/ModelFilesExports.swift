// Hook names and the model fingerprint live in ModelFiles, so that ActivationStore and Probes
// (which know no models) share them; code that imports Transformer keeps seeing them.
@_exported import enum ModelFiles.HookKind
@_exported import enum ModelFiles.HookPoint
@_exported import enum ModelFiles.ModelFingerprint
