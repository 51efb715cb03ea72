#if canImport(Glibc)
import Glibc
#endif

/// The products and categories seen so far, each with a small integer slot, and their all-time
/// figures. Windows and buckets index arrays by these slots instead of hashing strings.
///
/// Lookups hash the id bytes straight from the record, so the common case (a known product)
/// makes no string.
struct ProductCatalog {
    private(set) var products: [ProductStats] = []
    private(set) var categories: [CategoryStats] = []
    private var productSlots = FingerprintMap<UInt64, Int32>()
    private var categorySlots = FingerprintMap<UInt64, Int32>()

    /// The slot of the product with this id, adding it (with this name and category) if new.
    @inline(__always)
    mutating func productSlot(
        id: UnsafeRawBufferPointer,
        name: UnsafeRawBufferPointer,
        category: UnsafeRawBufferPointer
    ) -> Int32 {
        let key = ByteHash.fingerprint64(id)
        if let slot = productSlots[key] { return slot }
        let slot = Int32(products.count)
        products.append(
            ProductStats(
                id: String(decoding: id, as: UTF8.self),
                name: String(decoding: name, as: UTF8.self),
                category: String(decoding: category, as: UTF8.self)
            )
        )
        productSlots.insert(key, slot)
        return slot
    }

    /// The slot of the category with this name, adding it if new.
    @inline(__always)
    mutating func categorySlot(_ name: UnsafeRawBufferPointer) -> Int32 {
        let key = ByteHash.fingerprint64(name)
        if let slot = categorySlots[key] { return slot }
        let slot = Int32(categories.count)
        categories.append(CategoryStats(name: String(decoding: name, as: UTF8.self)))
        categorySlots.insert(key, slot)
        return slot
    }

    /// Counts an order in its product's and category's all-time figures.
    @inline(__always)
    mutating func record(_ order: DecodedOrder, product: Int32, category: Int32, revenueMicros: Int128) {
        let time = order.eventTimeMicros
        products.withUnsafeMutableBufferPointer { all in
            let index = Int(product)
            all[index].sums.add(quantity: order.quantity, revenueMicros: revenueMicros)
            all[index].priceSumMicros &+= Int128(order.priceMicros)
            if time > all[index].lastOrderMicros {
                all[index].lastOrderMicros = time
                // Names follow the latest order: a renamed product shows its new name.
                if !all[index].name.hasUTF8(order.productName) {
                    all[index].name = String(decoding: order.productName, as: UTF8.self)
                }
                if !all[index].category.hasUTF8(order.category) {
                    all[index].category = String(decoding: order.category, as: UTF8.self)
                }
            }
        }
        categories.withUnsafeMutableBufferPointer { all in
            let index = Int(category)
            all[index].sums.add(quantity: order.quantity, revenueMicros: revenueMicros)
            all[index].priceSumMicros &+= Int128(order.priceMicros)
            all[index].lastOrderMicros = max(all[index].lastOrderMicros, time)
            all[index].products.insert(product)
        }
    }

    /// Rebuilds the catalog from checkpointed figures.
    init(products: [ProductStats], categories: [CategoryStats]) {
        self.products = products
        self.categories = categories
        for (slot, product) in products.enumerated() {
            productSlots.insert(ByteHash.fingerprint64(product.id), Int32(slot))
        }
        for (slot, category) in categories.enumerated() {
            categorySlots.insert(ByteHash.fingerprint64(category.name), Int32(slot))
        }
    }

    init() {}
}

extension String {
    /// Whether the string's UTF-8 is exactly `bytes` (one `memcmp` for native strings).
    @inline(__always)
    func hasUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let fast = utf8.withContiguousStorageIfAvailable { own in
            own.count == bytes.count && (own.isEmpty || memcmp(own.baseAddress!, bytes.baseAddress!, own.count) == 0)
        }
        return fast ?? utf8.elementsEqual(bytes)
    }
}
