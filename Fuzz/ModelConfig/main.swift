// libFuzzer harness: config.json bytes, decoded as every architecture the registry knows.
import FuzzSupport
import Foundation
import ModelFiles

FuzzDriver.run { data in
    guard let config = try? ModelConfig(json: data) else { return }
    // Derived sizes must be computable without trapping for anything the decoder accepted.
    _ = (config.qDim, config.kvDim)
}
