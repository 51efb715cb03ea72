import Foundation
import Testing

@testable import Simulator

@Suite("Catalog")
struct CatalogTests {
    @Test func standardCatalogHasTheOriginalProducts() {
        let catalog = Catalog.standard
        #expect(catalog.products.count == 60)
        #expect(catalog.categories == ["Electronics", "Clothing", "Books", "Home & Garden", "Sports", "Beauty"])
        #expect(
            catalog.products.map(\.id)
                == (1...60).map { "PROD-" + String(repeating: "0", count: 3 - String($0).count) + String($0) }
        )
        let first = catalog.products[0]
        #expect(first.name == "Wireless Bluetooth Headphones" && first.priceCents == 7999 && first.weight == 10)
        #expect(catalog.products[1].priceCents == 64999)
        #expect(catalog.products[30].name == "Coffee Maker" && catalog.products[30].category == "Home & Garden")
        #expect(catalog.products[51].priceCents == 799)
        #expect(catalog.products[59].name == "Essential Oil" && catalog.products[59].priceCents == 2499)
        #expect(catalog.products[5].weight == 5 && catalog.products[14].weight == 5 && catalog.products[15].weight == 1)
        for category in catalog.categories { #expect(catalog.indices(inCategory: category).count == 10) }
    }

    @Test func parsesQuotesOptionalWeightCommentsAndCRLF() throws {
        let text =
            "\u{FEFF}# my shop\r\nprice,product_id,category,product_name\r\n"
            + "5,A-1,Toys,\"Ball, red\"\r\n\r\n0.5,A-2,Toys,\"The \"\"Best\"\" Kite\"\r\n"
        let catalog = try Catalog(csv: text, fileName: "shop.csv")
        #expect(
            catalog.products == [
                Product(id: "A-1", name: "Ball, red", category: "Toys", priceCents: 500, weight: 1),
                Product(id: "A-2", name: "The \"Best\" Kite", category: "Toys", priceCents: 50, weight: 1),
            ]
        )
    }

    @Test func readsAFile() throws {
        let path = NSTemporaryDirectory() + "catalog-\(UUID().uuidString).csv"
        try Catalog.standardCSV.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try Catalog(contentsOfFile: path) == Catalog.standard)
    }

    @Test func missingFileNamesTheFile() {
        #expect {
            try Catalog(contentsOfFile: "/nonexistent/catalog.csv")
        } throws: { error in
            let error = error as! CatalogError
            return error.code == .unreadable && "\(error)".hasPrefix("/nonexistent/catalog.csv: cannot open")
        }
    }

    static let header = "product_id,product_name,category,price,weight\n"
    static let good = "P1,Ball,Toys,1.00,1\n"

    static let brokenFiles: [(String, String)] = [
        (
            header + good + "P2,Kite,Toys,abc,1\n",
            "c.csv:3: field 'price': expected a positive decimal like 19.99, got 'abc'"
        ),
        (header + "P2,Kite,Toys,0,1\n", "c.csv:2: field 'price': expected a positive decimal like 19.99, got '0'"),
        (
            header + "P2,Kite,Toys,1.999,1\n",
            "c.csv:2: field 'price': expected a positive decimal like 19.99, got '1.999'"
        ),
        (header + "P2,Kite,Toys,-3,1\n", "c.csv:2: field 'price': expected a positive decimal like 19.99, got '-3'"),
        (header + "P2,Kite,Toys,$3,1\n", "c.csv:2: field 'price': expected a positive decimal like 19.99, got '$3'"),
        (
            header + good + "P2,Kite,Toys,3,heavy\n",
            "c.csv:3: field 'weight': expected a number >= 0 like 1 or 2.5, got 'heavy'"
        ),
        (
            header + good + "P2,Kite,Toys,3,-1\n",
            "c.csv:3: field 'weight': expected a number >= 0 like 1 or 2.5, got '-1'"
        ),
        (header + good + ",Kite,Toys,3,1\n", "c.csv:3: field 'product_id': expected a non-empty text, got ''"),
        (header + good + "P2,,Toys,3,1\n", "c.csv:3: field 'product_name': expected a non-empty text, got ''"),
        (header + good + "P2,Kite,,3,1\n", "c.csv:3: field 'category': expected a non-empty text, got ''"),
        (header + good + "P1,Kite,Toys,3,1\n", "c.csv:3: field 'product_id': 'P1' was already defined on line 2"),
        (header + good + "P2,Kite,Toys\n", "c.csv:3: expected 5 fields as in the header, got 3"),
        (header + good + "P2,\"Kite,Toys,3,1\n", "c.csv:3: a quoted field starts here but its closing '\"' is missing"),
        (
            "product_id,product_name,category,prise\n" + good,
            """
            c.csv:1: unknown column 'prise'; expected columns product_id, product_name, category, price and \
            optionally weight
            """
        ),
        (
            "product_id,product_name,price\nP1,Ball,1\n",
            """
            c.csv:1: missing column 'category'; expected columns product_id, product_name, category, price and \
            optionally weight
            """
        ),
        (
            "",
            """
            c.csv: the file is empty; expected a header line 'product_id,product_name,category,price[,weight]' \
            and one line per product
            """
        ),
        (header, "c.csv:1: the file has a header but no products"),
        (header + "P1,Ball,Toys,1,0\n", "c.csv: every product has weight 0, so none could ever be ordered"),
    ]

    @Test(arguments: brokenFiles)
    func brokenFilesNameLineAndField(text: String, message: String) {
        #expect {
            try Catalog(csv: text, fileName: "c.csv")
        } throws: { error in
            "\(error)" == message
        }
    }

    @Test func errorCodes() throws {
        let error = try #require(throws: CatalogError.self) {
            try Catalog(csv: Self.header + Self.good + "P2,Kite,Toys,x,1\n", fileName: "c.csv")
        }
        #expect(error.code == .invalidField && error.line == 3 && error.field == "price")
    }
}
