/// The ways a direction is fitted. Raw values are the names used on the command line and in
/// probe.json.
public enum ProbeMethod: String, Codable, Sendable, CaseIterable {
    /// mean(positive) − mean(negative) ("defection probe", MacDiarmid et al. 2024).
    case meanDifference = "mean-diff"
    /// L2 logistic regression (scikit-learn objective).
    case logistic
    /// Top principal component of the (centred) rows.
    case pca
    /// Top principal component of contrast-pair differences (repeng `pca_diff`).
    case pairedPCA = "pca-diff"
    /// Fisher LDA with shrinkage.
    case lda
}

/// Everything that determines a fit, stored in probe.json as `options`.
public struct ProbeOptions: Codable, Sendable, Equatable {
    public var method: ProbeMethod
    /// Standardise features (StandardScaler) before fitting; the probe's direction is still
    /// expressed in raw activation space.
    public var standardize: Bool
    /// Logistic: inverse regularisation strength.
    public var C: Double
    /// Logistic: `class_weight="balanced"`.
    public var balancedClassWeight: Bool
    /// Logistic: gradient tolerance (relative to the sample-weight sum, as sklearn's tol).
    public var tolerance: Double
    public var maxIterations: Int
    /// LDA: fixed shrinkage in [0, 1]; nil = Ledoit–Wolf.
    public var shrinkage: Double?
    /// PCA methods: which component (0-based) becomes the probe direction.
    public var component: Int

    public init(method: ProbeMethod, standardize: Bool = false, C: Double = 1,
                balancedClassWeight: Bool = false, tolerance: Double = 1e-4, maxIterations: Int = 1000,
                shrinkage: Double? = nil, component: Int = 0) {
        self.method = method
        self.standardize = standardize
        self.C = C
        self.balancedClassWeight = balancedClassWeight
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.shrinkage = shrinkage
        self.component = component
    }

    enum CodingKeys: String, CodingKey {
        case method, standardize, C
        case balancedClassWeight = "balanced_class_weight"
        case tolerance
        case maxIterations = "max_iterations"
        case shrinkage, component
    }
}
