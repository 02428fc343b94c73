// Hook names and the model fingerprint live in Formats, so that ActivationStore and Probes
// (which know no models) share them; code that imports Transformer keeps seeing them.
@_exported import enum Formats.HookKind
@_exported import enum Formats.HookPoint
@_exported import enum Formats.ModelFingerprint
