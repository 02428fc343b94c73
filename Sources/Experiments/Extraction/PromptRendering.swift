import Formats
import Tokenizers

extension PromptRenderer {
    /// A prompt-file record with its text rendered (a `messages` line through the chat template,
    /// a `prompt` line through the plain template or as a one-turn conversation); errors name the
    /// file and the record's number.
    public func rendered(_ record: LabeledPrompt, file: String, number: Int) throws -> LabeledPrompt {
        var out = record
        do {
            if let messages = record.messages {
                out.prompt = try render(messages: messages.map { ChatMessage(role: $0.role, content: $0.content) })
                out.messages = nil
            } else {
                out.prompt = try render(prompt: record.prompt)
            }
        } catch {
            throw ExperimentError("\(file): prompt \(number): \(error)")
        }
        return out
    }

    /// The template an experiment report records: the plain template, or "(chat template)".
    public var recordedTemplate: String? {
        if case .plain(let template) = mode { return template }
        return "(chat template)"
    }
}
