/// Left-aligned columns for the operator commands' output, like `kafka-topics --describe`.
public struct TextTable {
    private let header: [String]
    private var rows: [[String]] = []

    /// A table with these column titles and no rows yet.
    public init(_ header: String...) {
        self.header = header
    }

    /// Appends a row; cells beyond the header's columns are not padded.
    public mutating func add(_ row: [String]) {
        rows.append(row)
    }

    /// The header and rows, each column as wide as its widest cell, two spaces apart; the
    /// last cell of a row is not padded, so lines carry no trailing blanks.
    public var text: String {
        let all = [header] + rows
        let widths = header.indices.map { column in
            all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0
        }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
