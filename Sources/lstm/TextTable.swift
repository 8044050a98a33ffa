// Plain-text tables with aligned columns for the subcommands' reports.

/// Rows of cells printed with each column padded to its widest cell.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []
    /// Columns aligned right (numbers); the rest align left.
    var rightAligned: Set<Int>
    /// Least width per column, for tables printed row by row before all rows are known.
    var minimumWidths: [Int]

    init(_ header: [String], rightAligned: Set<Int> = [], minimumWidths: [Int] = []) {
        self.header = header
        self.rightAligned = rightAligned
        self.minimumWidths = minimumWidths
    }

    mutating func append(_ row: [String]) { rows.append(row) }

    /// The header, a rule, then the rows, each column as wide as its widest cell.
    var lines: [String] {
        let widths = columnWidths(including: rows)
        return headerLines(widths) + rows.map { format($0, widths) }
    }

    /// Header and rule sized from the header and the minimum widths only.
    var streamingHeader: [String] { headerLines(columnWidths(including: [])) }

    /// One row sized like ``streamingHeader``.
    func streamingLine(_ row: [String]) -> String { format(row, columnWidths(including: [])) }

    func print() { lines.forEach { Terminal.print($0) } }

    private func columnWidths(including rows: [[String]]) -> [Int] {
        header.indices.map { column in
            let cells = ([header] + rows).map { column < $0.count ? $0[column].count : 0 }
            let least = column < minimumWidths.count ? minimumWidths[column] : 0
            return max(least, cells.max() ?? 0)
        }
    }

    private func headerLines(_ widths: [Int]) -> [String] {
        [format(header, widths), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
    }

    private func format(_ row: [String], _ widths: [Int]) -> String {
        var text = row.enumerated().map { column, cell in
            let width = column < widths.count ? widths[column] : cell.count
            let padding = String(repeating: " ", count: max(0, width - cell.count))
            return rightAligned.contains(column) ? padding + cell : cell + padding
        }.joined(separator: "  ")
        while text.last == " " { text.removeLast() }
        return text
    }
}

/// Number formatting shared by the reports.
enum Format {
    static func milliseconds(_ value: Double) -> String { value.isFinite ? String(format: "%.2f", value) : "-" }
    static func rate(_ value: Double) -> String { value.isFinite ? String(format: "%.1f", value) : "-" }
    static func error(_ value: Double) -> String { value.isNaN ? "NaN" : String(format: "%.2e", value) }

    /// 1.5 GiB, 512 MiB, 64 KiB.
    static func bytes(_ count: Int) -> String {
        let units = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
        for (unit, size) in units where count >= size {
            return String(format: count % size == 0 ? "%.0f" : "%.1f", Double(count) / Double(size)) + " " + unit
        }
        return "\(count) B"
    }
}
