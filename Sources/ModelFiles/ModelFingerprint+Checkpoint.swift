import Foundation

extension ModelFingerprint {
    /// The fingerprint of a checkpoint's weight files (`Checkpoint.fileNames` order).
    public static func sha256(of checkpoint: Checkpoint) throws -> String {
        try sha256(directory: checkpoint.directory, files: checkpoint.fileNames)
    }
}
