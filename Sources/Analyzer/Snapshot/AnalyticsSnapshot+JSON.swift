import Common

extension AnalyticsSnapshot {
    /// The snapshot as the JSON document of the README (`aseed analyze --exit-at-end`, the REST
    /// API).
    public var json: String {
        var writer = JSONWriter(reservingCapacity: 64 * 1024)
        write(to: &writer)
        return writer.text
    }

    /// Writes the whole snapshot as one JSON object.
    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("sequence")
        writer.integer(sequence)
        writer.key("generated_at")
        writer.timestamp(micros: generatedAtMicros)
        writer.key("totals")
        totals.write(to: &writer)
        writer.key("products")
        writer.beginArray()
        for product in products { product.write(to: &writer) }
        writer.endArray()
        writer.key("categories")
        writer.beginArray()
        for category in categories { category.write(to: &writer) }
        writer.endArray()
        writer.key("top_products")
        writer.beginObject()
        for top in topProducts {
            writer.key(top.span.rawValue)
            top.write(to: &writer)
        }
        writer.endObject()
        writer.key("windows")
        writer.beginObject()
        writer.key("length_seconds")
        writer.integer(windowMicros / 1_000_000)
        writer.key("items")
        writer.beginArray()
        for window in windows { window.write(to: &writer) }
        writer.endArray()
        writer.endObject()
        writer.key("recent_orders")
        writer.beginArray()
        for order in recentOrders { order.write(to: &writer) }
        writer.endArray()
        writer.key("alerts")
        writer.beginArray()
        for alert in alerts { alert.write(to: &writer) }
        writer.endArray()
        writer.key("pipeline")
        pipeline.write(to: &writer)
        writer.endObject()
    }
}

extension AnalyticsSnapshot.Totals {
    /// `{orders, units, revenue, average_order_value, unique_customers}`.
    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("orders")
        writer.integer(orders)
        writer.key("units")
        writer.integer(units)
        writer.key("revenue")
        writer.cents(revenueCents)
        writer.key("average_order_value")
        writer.cents(averageOrderValueCents)
        writer.key("unique_customers")
        writer.integer(uniqueCustomers)
        writer.endObject()
    }
}

extension AnalyticsSnapshot.ProductRow {
    /// The original's product fields plus `last_order_time`.
    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        AnalyticsSnapshot.TopRow(
            productID: productID,
            productName: productName,
            category: category,
            orderCount: orderCount,
            totalQuantity: totalQuantity,
            totalRevenueCents: totalRevenueCents
        ).writeFields(to: &writer)
        writer.key("avg_price")
        writer.cents(averagePriceCents)
        writer.key("last_order_time")
        writer.timestamp(micros: lastOrderMicros)
        writer.endObject()
    }
}

extension AnalyticsSnapshot.CategoryRow {
    /// The original's category fields plus `avg_price` and `last_order_time`.
    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("category")
        writer.string(category)
        writer.key("order_count")
        writer.integer(orderCount)
        writer.key("total_quantity")
        writer.integer(totalQuantity)
        writer.key("total_revenue")
        writer.cents(totalRevenueCents)
        writer.key("avg_price")
        writer.cents(averagePriceCents)
        writer.key("last_order_time")
        writer.timestamp(micros: lastOrderMicros)
        writer.key("unique_products")
        writer.integer(uniqueProducts)
        writer.endObject()
    }
}

extension AnalyticsSnapshot.TopProducts {
    /// `{orders: [...], units: [...], revenue: [...]}`.
    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        for (name, rows) in [("orders", byOrders), ("units", byUnits), ("revenue", byRevenue)] {
            writer.key(name)
            writer.beginArray()
            for row in rows { row.write(to: &writer) }
            writer.endArray()
        }
        writer.endObject()
    }
}

extension AnalyticsSnapshot.TopRow {
    /// A ranking row in the original's field names.
    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writeFields(to: &writer)
        writer.endObject()
    }

    /// The fields every product row shares, inside an object the caller opened.
    func writeFields(to writer: inout JSONWriter) {
        writer.key("product_id")
        writer.string(productID)
        writer.key("product_name")
        writer.string(productName)
        writer.key("category")
        writer.string(category)
        writer.key("order_count")
        writer.integer(orderCount)
        writer.key("total_quantity")
        writer.integer(totalQuantity)
        writer.key("total_revenue")
        writer.cents(totalRevenueCents)
    }
}

extension AnalyticsSnapshot.Window {
    /// One window with its categories.
    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("start")
        writer.timestamp(micros: startMicros)
        writer.key("end")
        writer.timestamp(micros: endMicros)
        writer.key("closed")
        writer.bool(isClosed)
        writer.key("orders")
        writer.integer(orders)
        writer.key("units")
        writer.integer(units)
        writer.key("revenue")
        writer.cents(revenueCents)
        writer.key("average_order_value")
        writer.cents(averageOrderValueCents)
        writer.key("unique_customers")
        writer.integer(uniqueCustomers)
        writer.key("categories")
        writer.beginArray()
        for category in categories {
            writer.beginObject()
            writer.key("category")
            writer.string(category.category)
            writer.key("orders")
            writer.integer(category.orders)
            writer.key("units")
            writer.integer(category.units)
            writer.key("revenue")
            writer.cents(category.revenueCents)
            writer.key("average_order_value")
            writer.cents(category.averageOrderValueCents)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
    }
}

extension AnalyticsSnapshot.RecentOrder {
    /// The order in the original's shape plus `total_value`; the timestamp normalised to UTC.
    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("order_id")
        writer.string(orderID)
        writer.key("product_id")
        writer.string(productID)
        writer.key("product_name")
        writer.string(productName)
        writer.key("category")
        writer.string(category)
        writer.key("price")
        writer.cents(priceCents)
        writer.key("quantity")
        writer.integer(quantity)
        writer.key("customer_id")
        writer.string(customerID)
        writer.key("timestamp")
        writer.timestamp(micros: eventTimeMicros)
        writer.key("total_value")
        writer.cents(totalValueCents)
        writer.endObject()
    }
}

extension Alert {
    /// `{kind, subject, window_start, value, baseline, message}`.
    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("kind")
        writer.string(kind.rawValue)
        writer.key("subject")
        writer.string(subject)
        writer.key("window_start")
        writer.timestamp(micros: windowStartMicros)
        writer.key("value")
        writer.integer(value)
        writer.key("baseline")
        writer.tenThousandths(baselineTenThousandths)
        writer.key("message")
        writer.string(message)
        writer.endObject()
    }
}

extension AnalyticsSnapshot.Pipeline {
    /// Counts, watermark, partitions, rates and latency.
    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("records_in")
        writer.integer(recordsIn)
        writer.key("orders_counted")
        writer.integer(ordersCounted)
        writer.key("duplicates")
        writer.integer(duplicates)
        writer.key("late_records")
        writer.integer(lateRecords)
        writer.key("malformed_total")
        writer.integer(malformedTotal)
        writer.key("malformed")
        writer.beginObject()
        for (reason, count) in malformed {
            writer.key(reason.rawValue)
            writer.integer(count)
        }
        writer.endObject()
        writer.key("watermark")
        if let watermarkMicros { writer.timestamp(micros: watermarkMicros) } else { writer.null() }
        writer.key("max_event_time")
        if let maxEventMicros { writer.timestamp(micros: maxEventMicros) } else { writer.null() }
        writer.key("partitions")
        writer.beginArray()
        for partition in partitions {
            writer.beginObject()
            writer.key("partition")
            writer.integer(partition.partition)
            writer.key("next_offset")
            writer.integer(partition.nextOffset)
            writer.key("high_watermark")
            writer.integer(partition.highWatermark)
            writer.key("lag")
            writer.integer(partition.lag)
            writer.endObject()
        }
        writer.endArray()
        writer.key("records_per_second")
        writer.double(recordsPerSecond, decimals: 1)
        writer.key("latency_ms")
        writer.beginObject()
        writer.key("p50")
        writer.double(latencyP50Milliseconds, decimals: 1)
        writer.key("p99")
        writer.double(latencyP99Milliseconds, decimals: 1)
        writer.endObject()
        writer.key("recent_late")
        writer.beginArray()
        for late in recentLate {
            writer.beginObject()
            writer.key("order_id")
            writer.string(late.orderID)
            writer.key("timestamp")
            writer.timestamp(micros: late.eventTimeMicros)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
    }
}
