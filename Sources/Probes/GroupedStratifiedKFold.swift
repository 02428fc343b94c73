import Tensors

/// K folds that keep every group in one fold and balance the classes across folds, in the
/// spirit of scikit-learn `StratifiedGroupKFold(shuffle=True)`: groups are shuffled (seeded),
/// ordered by how unevenly their rows split between the classes (most uneven first), and each
/// goes to the fold where it keeps the per-class fold proportions most even, ties to the
/// smallest fold. An empty group name makes the row a group of its own.
public enum GroupedStratifiedKFold {
    /// Test-row indices (into `labels`) of each fold. Every labelled row appears in exactly one
    /// fold; rows labelled −1 in none. Throws when a class occurs in fewer than `folds` groups.
    public static func split(labels: [Int32], groups: [String], folds: Int, seed: UInt64,
                             source: String = "activations") throws -> [[Int]] {
        guard folds >= 2 else {
            throw ProbeError.invalidOption(name: "folds", value: "\(folds)", reason: "cross-validation needs at least 2 folds")
        }
        // Group id per labelled row.
        var index: [String: Int] = [:]
        var members: [[Int]] = []
        for row in labels.indices where labels[row] >= 0 {
            let name = groups.isEmpty ? "" : groups[row]
            if name.isEmpty {
                members.append([row])
            } else if let id = index[name] {
                members[id].append(row)
            } else {
                index[name] = members.count
                members.append([row])
            }
        }
        let counts = members.map { rows -> (Int, Int) in
            let positives = rows.reduce(0) { $0 + (labels[$1] == 1 ? 1 : 0) }
            return (rows.count - positives, positives)
        }
        for label in [Int32(0), Int32(1)] {
            let holding = counts.filter { label == 1 ? $0.1 > 0 : $0.0 > 0 }.count
            if holding < folds {
                throw ProbeError.tooFewForFolds(source: source, label: label, groups: holding, folds: folds)
            }
        }
        let totals = counts.reduce((0.0, 0.0)) { ($0.0 + Double($1.0), $0.1 + Double($1.1)) }

        var generator = SplitMix64(seed: seed)
        var order = Array(members.indices)
        order.shuffle(using: &generator)
        // Most class-uneven groups first (std of the two class counts); stable after the shuffle.
        let unevenness = counts.map { abs(Double($0.0) - Double($0.1)) }
        order = order.enumerated().sorted {
            unevenness[$0.element] != unevenness[$1.element]
                ? unevenness[$0.element] > unevenness[$1.element] : $0.offset < $1.offset
        }.map(\.element)

        var foldCounts = [(Double, Double)](repeating: (0, 0), count: folds)
        var assignment = [[Int]](repeating: [], count: folds)
        for group in order {
            var bestFold = 0
            var bestSpread = Double.infinity
            for fold in 0..<folds {
                foldCounts[fold].0 += Double(counts[group].0)
                foldCounts[fold].1 += Double(counts[group].1)
                let spread = classSpread(foldCounts, totals)
                foldCounts[fold].0 -= Double(counts[group].0)
                foldCounts[fold].1 -= Double(counts[group].1)
                let size = foldCounts[fold].0 + foldCounts[fold].1
                let bestSize = bestSpread.isFinite ? foldCounts[bestFold].0 + foldCounts[bestFold].1 : .infinity
                if spread < bestSpread - 1e-12 || (abs(spread - bestSpread) <= 1e-12 && size < bestSize) {
                    bestSpread = spread
                    bestFold = fold
                }
            }
            foldCounts[bestFold].0 += Double(counts[group].0)
            foldCounts[bestFold].1 += Double(counts[group].1)
            assignment[bestFold].append(contentsOf: members[group])
        }
        // The greedy balance nearly always gives every fold both classes once each class spans
        // K groups; when a few huge groups defeat it, say so rather than fail later in a fold.
        for fold in assignment where !(fold.contains { labels[$0] == 1 } && fold.contains { labels[$0] == 0 }) {
            throw ProbeError.invalidOption(name: "folds", value: "\(folds)",
                                           reason: "\(source): groups too unevenly sized to give every fold both classes; use fewer folds")
        }
        return assignment.map { $0.sorted() }
    }

    /// Mean over classes of the std (across folds) of the fraction of that class in each fold.
    private static func classSpread(_ folds: [(Double, Double)], _ totals: (Double, Double)) -> Double {
        func std(_ values: [Double]) -> Double {
            let mean = values.reduce(0, +) / Double(values.count)
            return (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot()
        }
        return (std(folds.map { $0.0 / totals.0 }) + std(folds.map { $0.1 / totals.1 })) / 2
    }
}
