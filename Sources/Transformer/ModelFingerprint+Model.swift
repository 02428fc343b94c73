import ModelFiles

extension ModelFingerprint {
    /// The fingerprint of a loaded model's weight files (`Checkpoint.fileNames` order).
    public static func sha256(of model: TransformerModel) throws -> String {
        try sha256(directory: model.directory, files: model.weightFiles)
    }
}
