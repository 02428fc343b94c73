// libFuzzer harness: experiment YAML text, parsed and its detectors built (user regexes).
import Experiments
import FuzzSupport
import Foundation

FuzzDriver.run { data in
    guard let experiment = try? ExperimentFile.parse(String(decoding: data, as: UTF8.self), path: "experiment.yaml") else { return }
    for detector in experiment.detectors ?? [] {
        _ = try? detector.make()
    }
}
