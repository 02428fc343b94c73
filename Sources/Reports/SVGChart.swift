import Foundation

/// Small, dependency-free SVG charts for notebooks and HTML reports: lines (AUROC by layer),
/// scatter (PC1 × PC2 by group), bars with confidence intervals (behaviour rates).
public enum SVGChart {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public init(name: String, points: [(x: Double, y: Double)]) { self.name = name; self.points = points }
    }

    public struct Bar: Sendable {
        public var label: String
        /// The bar's group within a cluster (e.g. "before", "after"); one colour per group.
        public var group: String
        public var value: Double
        public var lower: Double?
        public var upper: Double?
        public init(label: String, group: String = "", value: Double, lower: Double? = nil, upper: Double? = nil) {
            self.label = label; self.group = group; self.value = value; self.lower = lower; self.upper = upper
        }
    }

    /// Colour-blind-safe palette (Okabe–Ito).
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

    static let width = 640.0, height = 360.0
    static let left = 64.0, right = 150.0, top = 40.0, bottom = 80.0

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func fmt(_ v: Double) -> String { String(format: "%.2f", v) }

    /// Round tick values covering [lo, hi].
    static func ticks(_ lo: Double, _ hi: Double, count: Int = 5, integers: Bool = false) -> [Double] {
        guard hi > lo else { return [lo] }
        let raw = integers ? max(1, (hi - lo) / Double(count)) : (hi - lo) / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var t = (lo / step).rounded(.up) * step
        var out: [Double] = []
        while t <= hi + step * 1e-9 { out.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
        return out
    }

    static func tickLabel(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e6 ? String(Int(v)) : String(format: "%.2g", v)
    }

    /// The frame, axes, ticks, labels and title shared by every chart; `x`/`y` map data to pixels.
    static func frame(title: String, xLabel: String, yLabel: String, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>,
                      xTicks: [(Double, String)]? = nil, integerX: Bool = false,
                      rotateXLabels: Bool = false) -> (svg: String, x: (Double) -> Double, y: (Double) -> Double) {
        let plotW = width - left - right, plotH = height - top - bottom
        let xSpan = max(xRange.upperBound - xRange.lowerBound, 1e-12), ySpan = max(yRange.upperBound - yRange.lowerBound, 1e-12)
        let x = { (v: Double) in left + (v - xRange.lowerBound) / xSpan * plotW }
        let y = { (v: Double) in top + plotH - (v - yRange.lowerBound) / ySpan * plotH }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(fmt(width / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">\(escape(title))</text>\n"
        for t in ticks(yRange.lowerBound, yRange.upperBound) {
            s += "<line x1=\"\(fmt(left))\" x2=\"\(fmt(left + plotW))\" y1=\"\(fmt(y(t)))\" y2=\"\(fmt(y(t)))\" stroke=\"#e5e5e5\"/>\n"
            s += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(y(t) + 4))\" text-anchor=\"end\">\(tickLabel(t))</text>\n"
        }
        let xt = xTicks ?? ticks(xRange.lowerBound, xRange.upperBound, integers: integerX).map { ($0, tickLabel($0)) }
        for (t, label) in xt {
            if rotateXLabels {
                s += "<text transform=\"translate(\(fmt(x(t) + 4)) \(fmt(top + plotH + 12))) rotate(-30)\" text-anchor=\"end\" font-size=\"11\">\(escape(label))</text>\n"
            } else {
                s += "<text x=\"\(fmt(x(t)))\" y=\"\(fmt(top + plotH + 18))\" text-anchor=\"middle\">\(escape(label))</text>\n"
            }
        }
        s += "<line x1=\"\(fmt(left))\" x2=\"\(fmt(left))\" y1=\"\(fmt(top))\" y2=\"\(fmt(top + plotH))\" stroke=\"#333\"/>\n"
        s += "<line x1=\"\(fmt(left))\" x2=\"\(fmt(left + plotW))\" y1=\"\(fmt(top + plotH))\" y2=\"\(fmt(top + plotH))\" stroke=\"#333\"/>\n"
        s += "<text x=\"\(fmt(left + plotW / 2))\" y=\"\(fmt(top + plotH + 40))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        s += "<text transform=\"translate(16 \(fmt(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>\n"
        return (s, x, y)
    }

    static func legend(_ names: [String]) -> String {
        var s = ""
        for (i, name) in names.enumerated() where !name.isEmpty {
            let yy = top + 10 + Double(i) * 18
            s += "<rect x=\"\(fmt(width - right + 14))\" y=\"\(fmt(yy - 9))\" width=\"12\" height=\"12\" fill=\"\(palette[i % palette.count])\"/>\n"
            let shown = name.count > 20 ? "…" + name.suffix(19) : name
            s += "<text x=\"\(fmt(width - right + 32))\" y=\"\(fmt(yy + 1))\"><title>\(escape(name))</title>\(escape(String(shown)))</text>\n"
        }
        return s
    }

    /// One line per series with a dot per point (e.g. AUROC by layer, one series per method).
    public static func lines(title: String, xLabel: String, yLabel: String, series: [Series],
                             yRange: ClosedRange<Double>? = nil) -> String {
        let xs = series.flatMap { $0.points.map(\.x) }, ys = series.flatMap { $0.points.map(\.y) }
        let xr = (xs.min() ?? 0)...max(xs.max() ?? 1, (xs.min() ?? 0) + 1)
        let yr = yRange ?? ((ys.min() ?? 0)...max(ys.max() ?? 1, (ys.min() ?? 0) + 1e-9))
        let integral = !xs.isEmpty && xs.allSatisfy { $0 == $0.rounded() }
        var (s, x, y) = frame(title: title, xLabel: xLabel, yLabel: yLabel, xRange: xr, yRange: yr, integerX: integral)
        for (i, series) in series.enumerated() {
            let colour = palette[i % palette.count]
            let path = series.points.map { "\(fmt(x($0.x))),\(fmt(y($0.y)))" }.joined(separator: " ")
            s += "<polyline class=\"series\" data-name=\"\(escape(series.name))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(path)\"/>\n"
            for p in series.points {
                s += "<circle class=\"point\" cx=\"\(fmt(x(p.x)))\" cy=\"\(fmt(y(p.y)))\" r=\"3\" fill=\"\(colour)\"><title>\(escape(series.name)): \(tickLabel(p.x)) → \(String(format: "%.4f", p.y))</title></circle>\n"
            }
        }
        return s + legend(series.map(\.name)) + "</svg>\n"
    }

    /// Points coloured by group (e.g. PC1 × PC2 of activations, triggered vs clean).
    public static func scatter(title: String, xLabel: String, yLabel: String, groups: [Series]) -> String {
        let xs = groups.flatMap { $0.points.map(\.x) }, ys = groups.flatMap { $0.points.map(\.y) }
        func padded(_ v: [Double]) -> ClosedRange<Double> {
            let lo = v.min() ?? 0, hi = v.max() ?? 1, pad = max((hi - lo) * 0.05, 1e-9)
            return (lo - pad)...(hi + pad)
        }
        var (s, x, y) = frame(title: title, xLabel: xLabel, yLabel: yLabel, xRange: padded(xs), yRange: padded(ys))
        for (i, group) in groups.enumerated() {
            let colour = palette[i % palette.count]
            for p in group.points {
                s += "<circle class=\"point\" cx=\"\(fmt(x(p.x)))\" cy=\"\(fmt(y(p.y)))\" r=\"3\" fill=\"\(colour)\" fill-opacity=\"0.7\"/>\n"
            }
        }
        return s + legend(groups.map(\.name)) + "</svg>\n"
    }

    /// Bars clustered by label, coloured by group, with interval whiskers (e.g. behaviour rate per
    /// condition with Wilson intervals, or before/after safety training).
    public static func bars(title: String, yLabel: String, bars: [Bar], yRange: ClosedRange<Double> = 0...1) -> String {
        var labels: [String] = [], groups: [String] = []
        for b in bars {
            if !labels.contains(b.label) { labels.append(b.label) }
            if !groups.contains(b.group) { groups.append(b.group) }
        }
        let n = Double(max(labels.count, 1))
        let xTicks = labels.enumerated().map { (Double($0.offset) + 0.5, $0.element) }
        let rotate = labels.contains { $0.count > 10 } && labels.count > 3
        var (s, x, y) = frame(title: title, xLabel: "", yLabel: yLabel, xRange: 0...n, yRange: yRange, xTicks: xTicks,
                              rotateXLabels: rotate)
        let clusterWidth = 0.8, barWidth = clusterWidth / Double(max(groups.count, 1))
        for b in bars {
            let li = Double(labels.firstIndex(of: b.label)!), gi = groups.firstIndex(of: b.group)!
            let x0 = li + 0.1 + Double(gi) * barWidth
            let colour = palette[gi % palette.count]
            let v = min(max(b.value, yRange.lowerBound), yRange.upperBound)
            s += "<rect class=\"bar\" x=\"\(fmt(x(x0)))\" y=\"\(fmt(y(v)))\" width=\"\(fmt(x(x0 + barWidth * 0.9) - x(x0)))\" height=\"\(fmt(y(yRange.lowerBound) - y(v)))\" fill=\"\(colour)\"><title>\(escape(b.label)) \(escape(b.group)): \(String(format: "%.3f", b.value))</title></rect>\n"
            if let lo = b.lower, let hi = b.upper {
                let cx = x(x0 + barWidth * 0.45)
                s += "<line class=\"interval\" x1=\"\(fmt(cx))\" x2=\"\(fmt(cx))\" y1=\"\(fmt(y(lo)))\" y2=\"\(fmt(y(hi)))\" stroke=\"#222\" stroke-width=\"1.5\"/>\n"
                for edge in [lo, hi] {
                    s += "<line x1=\"\(fmt(cx - 4))\" x2=\"\(fmt(cx + 4))\" y1=\"\(fmt(y(edge)))\" y2=\"\(fmt(y(edge)))\" stroke=\"#222\" stroke-width=\"1.5\"/>\n"
                }
            }
        }
        return s + legend(groups.count > 1 || groups.first != "" ? groups : []) + "</svg>\n"
    }
}
