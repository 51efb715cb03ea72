/// One decoded order, without a copy of its texts.
///
/// The byte fields are UTF-8 and point into the record's value, or into the decoder's scratch
/// storage for strings that had escapes, so they are valid only while the value's bytes are
/// (inside the consumer's record closure) and until the decoder's next `decode` call. Keep
/// what must outlive that (an id in a dedup set, a name in an aggregate) by copying or hashing it.
public struct DecodedOrder {
    /// `order_id`, never empty.
    public var orderID: UnsafeRawBufferPointer
    /// `product_id`, never empty.
    public var productID: UnsafeRawBufferPointer
    /// `product_name`, possibly empty.
    public var productName: UnsafeRawBufferPointer
    /// `category`, possibly empty.
    public var category: UnsafeRawBufferPointer
    /// `customer_id`, possibly empty.
    public var customerID: UnsafeRawBufferPointer
    /// `price` in micro-units, exact: 6 decimals, further digits rounded half to even;
    /// 0 <= price < 10^15 (10^9 units).
    public var priceMicros: Int64
    /// `quantity`, 0 <= quantity < 10^9.
    public var quantity: Int64
    /// `timestamp` as microseconds since the Unix epoch, UTC.
    public var eventTimeMicros: Int64

    /// An order from its parts (the decoder's result; also handy to build orders in tests).
    public init(
        orderID: UnsafeRawBufferPointer,
        productID: UnsafeRawBufferPointer,
        productName: UnsafeRawBufferPointer,
        category: UnsafeRawBufferPointer,
        customerID: UnsafeRawBufferPointer,
        priceMicros: Int64,
        quantity: Int64,
        eventTimeMicros: Int64
    ) {
        self.orderID = orderID
        self.productID = productID
        self.productName = productName
        self.category = category
        self.customerID = customerID
        self.priceMicros = priceMicros
        self.quantity = quantity
        self.eventTimeMicros = eventTimeMicros
    }
}
