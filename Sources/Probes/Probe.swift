import Tensors

/// A fitted linear probe in raw activation space:
///
///     score(x) = direction · x + bias        (direction is a unit vector, (d_model))
///     predicted positive  ⇔  score(x) ≥ threshold
///
/// For logistic regression the logit is `logitScale · score(x)` and the threshold is 0 (its own
/// decision rule). Every other method's threshold maximises balanced accuracy on the training
/// rows (see `ThresholdMetrics.balancedThreshold`). When the fit standardised features, the
/// scaler is folded into `direction` and `bias` and kept in `standardization` as a record.
public struct Probe: Sendable, Equatable {
    public var options: ProbeOptions
    public var hook: String?
    /// (d_model), unit norm.
    public var direction: [Float]
    public var bias: Double
    public var threshold: Double
    /// Logistic only: logit = logitScale · score.
    public var logitScale: Double?
    public var standardization: Standardization?

    public init(options: ProbeOptions, hook: String?, direction: [Float], bias: Double, threshold: Double,
                logitScale: Double? = nil, standardization: Standardization? = nil) {
        self.options = options
        self.hook = hook
        self.direction = direction
        self.bias = bias
        self.threshold = threshold
        self.logitScale = logitScale
        self.standardization = standardization
    }

    public var dModel: Int { direction.count }

    /// Scores of every row of `data`, after checking its d_model and hook. (n)
    public func scores(_ data: LabeledActivations) throws -> [Double] {
        try data.check(dModel: dModel, hook: hook)
        return scores(rows: data.rows)
    }

    /// Scores of `rows` (n, d_model); the caller guarantees the width.
    func scores(rows: Tensor) -> [Double] {
        let n = rows.shape[0]
        var projections = [Float](repeating: 0, count: n)
        if n > 0 {
            rows.storage.withUnsafeBufferPointer { x in
                BLAS.sgemv(m: n, n: dModel, a: x.baseAddress!, x: direction, y: &projections)
            }
        }
        return projections.map { Double($0) + bias }
    }
}

/// Fits a probe of any method on the labelled rows of a data set.
public enum ProbeTrainer {
    public static func fit(_ data: LabeledActivations, options: ProbeOptions) throws -> Probe {
        let train = try data.labeledOnly()
        let standardization = options.standardize ? Standardization(fitting: train.rows) : nil
        let linear: ActivationSpaceLinear
        var logitScale: Double? = nil
        switch options.method {
        case .logistic:
            let model = LogisticRegression(C: options.C, balancedClassWeight: options.balancedClassWeight,
                                           standardize: options.standardize, tolerance: options.tolerance,
                                           maxIterations: options.maxIterations)
            let fit = try model.fit(train)
            linear = ActivationSpaceLinear(weights: fit.coefficients, bias: fit.intercept,
                                           standardization: fit.standardization)
            logitScale = linear.norm
        case .meanDifference:
            let z = standardizedCopy(train, standardization)
            let positive = z.labels.indices.filter { z.labels[$0] == 1 }
            let negative = z.labels.indices.filter { z.labels[$0] == 0 }
            let mean1 = DoubleRows.mean(z.rows, indices: positive)
            let mean0 = DoubleRows.mean(z.rows, indices: negative)
            let weights = zip(mean1, mean0).map { $0 - $1 }
            let midpoint = zip(mean1, mean0).map { ($0 + $1) / 2 }
            linear = ActivationSpaceLinear(weights: weights, bias: -dot(weights, midpoint),
                                           standardization: standardization)
        case .lda:
            let z = standardizedCopy(train, standardization)
            let (weights, midpoint, _) = try FisherLDA.fit(z, shrinkage: options.shrinkage)
            linear = ActivationSpaceLinear(weights: weights, bias: -dot(weights, midpoint),
                                           standardization: standardization)
        case .pca, .pairedPCA:
            // Unsupervised on all rows for PCA (unlabelled ones too), on pairs for pca-diff.
            let z = standardizedCopy(options.method == .pca ? data : train, standardization)
            let k = options.component + 1
            let components = options.method == .pca
                ? try PrincipalComponents.fit(z.rows, k: k, labels: z.labels, source: data.source)
                : try PrincipalComponents.fitPaired(z, k: k)
            let weights = (0..<z.dModel).map { Double(components.components[options.component, $0]) }
            let mean = DoubleRows.mean(z.rows, indices: Array(0..<z.count))
            linear = ActivationSpaceLinear(weights: weights, bias: -dot(weights, mean),
                                           standardization: standardization)
        }
        guard linear.norm > 0, linear.norm.isFinite else {
            throw ProbeError.zeroDirection(source: data.source, method: options.method.rawValue)
        }
        var probe = Probe(options: options, hook: data.hook, direction: linear.direction.map { Float($0) },
                          bias: linear.bias, threshold: 0, logitScale: logitScale,
                          standardization: standardization)
        if options.method != .logistic {
            probe.threshold = ThresholdMetrics.balancedThreshold(scores: probe.scores(rows: train.rows),
                                                                 labels: train.labels)
        }
        return probe
    }

    /// `data` with the scaler applied (Float32, as the methods read it), or `data` itself.
    private static func standardizedCopy(_ data: LabeledActivations, _ standardization: Standardization?)
        -> LabeledActivations
    {
        guard let standardization else { return data }
        let z = DoubleRows.copy(data.rows, mean: standardization.mean, scale: standardization.scale)
        return LabeledActivations(validRows: Tensor(shape: data.rows.shape, storage: z.map { Float($0) }),
                                  labels: data.labels, groups: data.groups, hook: data.hook, source: data.source)
    }
}
