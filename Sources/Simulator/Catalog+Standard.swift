extension Catalog {
    /// The original system's catalog: 60 products in 6 categories, with its popularity
    /// profile (weight 10 for PROD-001..005, 5 for 006..015, 1 for the rest).
    public static let standard: Catalog = {
        do {
            return try Catalog(csv: standardCSV, fileName: "<standard catalog>")
        } catch {
            fatalError("the built-in catalog does not parse: \(error)")
        }
    }()

    /// The standard catalog as a CSV file: the source of `standard`, and a starting point
    /// for a user's own catalog file.
    public static let standardCSV = """
        product_id,product_name,category,price,weight
        PROD-001,Wireless Bluetooth Headphones,Electronics,79.99,10
        PROD-002,Smart LED TV,Electronics,649.99,10
        PROD-003,Gaming Mechanical Keyboard,Electronics,129.99,10
        PROD-004,USB-C Power Bank,Electronics,39.99,10
        PROD-005,Smartphone Case,Electronics,24.99,10
        PROD-006,Wireless Charging Pad,Electronics,34.99,5
        PROD-007,Bluetooth Speaker,Electronics,89.99,5
        PROD-008,Digital Camera,Electronics,449.99,5
        PROD-009,Laptop Stand,Electronics,59.99,5
        PROD-010,Smart Watch,Electronics,299.99,5
        PROD-011,Cotton T-Shirt,Clothing,19.99,5
        PROD-012,Denim Jeans,Clothing,69.99,5
        PROD-013,Winter Jacket,Clothing,149.99,5
        PROD-014,Running Sneakers,Clothing,119.99,5
        PROD-015,Wool Sweater,Clothing,79.99,5
        PROD-016,Leather Boots,Clothing,159.99,1
        PROD-017,Summer Dress,Clothing,49.99,1
        PROD-018,Baseball Cap,Clothing,24.99,1
        PROD-019,Casual Hoodie,Clothing,59.99,1
        PROD-020,Canvas Backpack,Clothing,89.99,1
        PROD-021,Programming Guide,Books,39.99,1
        PROD-022,Mystery Novel,Books,14.99,1
        PROD-023,Science Fiction Book,Books,16.99,1
        PROD-024,Cookbook,Books,29.99,1
        PROD-025,History Encyclopedia,Books,49.99,1
        PROD-026,Self-Help Book,Books,22.99,1
        PROD-027,Art Album,Books,44.99,1
        PROD-028,Travel Guide,Books,26.99,1
        PROD-029,Biography,Books,19.99,1
        PROD-030,Poetry Collection,Books,12.99,1
        PROD-031,Coffee Maker,Home & Garden,179.99,1
        PROD-032,Table Lamp,Home & Garden,69.99,1
        PROD-033,Throw Pillow,Home & Garden,29.99,1
        PROD-034,Kitchen Knife Set,Home & Garden,89.99,1
        PROD-035,Ceramic Vase,Home & Garden,39.99,1
        PROD-036,Wall Clock,Home & Garden,49.99,1
        PROD-037,Storage Box,Home & Garden,34.99,1
        PROD-038,Candle Set,Home & Garden,24.99,1
        PROD-039,Picture Frame,Home & Garden,19.99,1
        PROD-040,Bed Sheets,Home & Garden,54.99,1
        PROD-041,Yoga Mat,Sports,34.99,1
        PROD-042,Dumbbells Set,Sports,149.99,1
        PROD-043,Tennis Racket,Sports,89.99,1
        PROD-044,Basketball,Sports,24.99,1
        PROD-045,Running Shoes,Sports,129.99,1
        PROD-046,Fitness Tracker,Sports,199.99,1
        PROD-047,Water Bottle,Sports,18.99,1
        PROD-048,Gym Bag,Sports,44.99,1
        PROD-049,Exercise Ball,Sports,29.99,1
        PROD-050,Resistance Bands,Sports,22.99,1
        PROD-051,Face Moisturizer,Beauty,32.99,1
        PROD-052,Lip Balm,Beauty,7.99,1
        PROD-053,Shampoo,Beauty,16.99,1
        PROD-054,Perfume,Beauty,79.99,1
        PROD-055,Makeup Brush Set,Beauty,49.99,1
        PROD-056,Sunscreen,Beauty,19.99,1
        PROD-057,Hair Conditioner,Beauty,18.99,1
        PROD-058,Face Mask,Beauty,12.99,1
        PROD-059,Nail Polish,Beauty,9.99,1
        PROD-060,Essential Oil,Beauty,24.99,1

        """
}
