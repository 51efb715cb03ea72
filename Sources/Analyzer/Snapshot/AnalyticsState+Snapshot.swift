extension AnalyticsState {
    /// What the service knows that the aggregates do not: the trigger count, the clock, the
    /// brokers' high watermarks and the measured rates.
    struct RuntimeFigures {
        var sequence: Int64 = 0
        var nowMicros: Int64 = 0
        var highWatermarks: [Int32: Int64] = [:]
        var recordsPerSecond: Double = 0
        var latencyP50Milliseconds: Double = 0
        var latencyP99Milliseconds: Double = 0
    }

    /// The published view of the aggregates.
    func snapshot(_ runtime: RuntimeFigures) -> AnalyticsSnapshot {
        AnalyticsSnapshot(
            sequence: runtime.sequence,
            generatedAtMicros: runtime.nowMicros,
            totals: .init(
                orders: totals.orders,
                units: totals.units,
                revenueCents: totals.revenueCents,
                averageOrderValueCents: totals.averageOrderValueCents,
                uniqueCustomers: Int64(customers.count)
            ),
            products: productRows(),
            categories: categoryRows(),
            topProducts: topProducts(),
            windowMicros: rules.windowMicros,
            windows: windowRows(),
            recentOrders: recentRows(),
            alerts: alerts,
            pipeline: pipeline(runtime)
        )
    }

    private func productRows() -> [AnalyticsSnapshot.ProductRow] {
        catalog.products.map { product in
            AnalyticsSnapshot.ProductRow(
                productID: product.id,
                productName: product.name,
                category: product.category,
                orderCount: product.sums.orders,
                totalQuantity: product.sums.units,
                totalRevenueCents: product.sums.revenueCents,
                averagePriceCents: Money.cents(product.priceSumMicros, per: product.sums.orders),
                lastOrderMicros: product.lastOrderMicros
            )
        }.sorted { $0.productID < $1.productID }
    }

    private func categoryRows() -> [AnalyticsSnapshot.CategoryRow] {
        catalog.categories.map { category in
            AnalyticsSnapshot.CategoryRow(
                category: category.name,
                orderCount: category.sums.orders,
                totalQuantity: category.sums.units,
                totalRevenueCents: category.sums.revenueCents,
                averagePriceCents: Money.cents(category.priceSumMicros, per: category.sums.orders),
                lastOrderMicros: category.lastOrderMicros,
                uniqueProducts: Int64(category.products.count)
            )
        }.sorted { ($1.totalRevenueCents, $0.category) < ($0.totalRevenueCents, $1.category) }
    }

    private func topProducts() -> [AnalyticsSnapshot.TopProducts] {
        let newestMinute = maxEventMicros == Int64.min ? nil : MinuteBuckets.minute(of: maxEventMicros)
        return AnalyticsSnapshot.TopSpan.allCases.map { span in
            var sums: [OrderSums]
            if let minutes = span.minutes {
                sums = newestMinute.map { buckets.sums(lastMinutes: minutes, endingAt: $0) } ?? []
            } else {
                sums = catalog.products.map(\.sums)
            }
            let rows = sums.enumerated().compactMap { slot, sums -> AnalyticsSnapshot.TopRow? in
                guard sums.orders > 0 else { return nil }
                let product = catalog.products[slot]
                return AnalyticsSnapshot.TopRow(
                    productID: product.id,
                    productName: product.name,
                    category: product.category,
                    orderCount: sums.orders,
                    totalQuantity: sums.units,
                    totalRevenueCents: sums.revenueCents
                )
            }
            let revenue = Dictionary(
                uniqueKeysWithValues: sums.enumerated().map {
                    (catalog.products[$0.offset].id, $0.element.revenueMicros)
                }
            )
            func ranked(
                _ before: (AnalyticsSnapshot.TopRow, AnalyticsSnapshot.TopRow) -> Bool
            ) -> [AnalyticsSnapshot.TopRow] {
                Array(rows.sorted(by: before).prefix(rules.topN))
            }
            // Ties are broken on exact revenue (micro-units), then the product id.
            return AnalyticsSnapshot.TopProducts(
                span: span,
                byOrders: ranked {
                    ($1.orderCount, revenue[$1.productID]!, $0.productID) < (
                        $0.orderCount, revenue[$0.productID]!, $1.productID
                    )
                },
                byUnits: ranked {
                    ($1.totalQuantity, revenue[$1.productID]!, $0.productID) < (
                        $0.totalQuantity, revenue[$0.productID]!, $1.productID
                    )
                },
                byRevenue: ranked {
                    (revenue[$1.productID]!, $1.orderCount, $0.productID) < (
                        revenue[$0.productID]!, $0.orderCount, $1.productID
                    )
                }
            )
        }
    }

    private func windowRows() -> [AnalyticsSnapshot.Window] {
        (closedWindows + openWindows).map { window in
            let categories = window.categories.enumerated().compactMap {
                slot,
                sums -> AnalyticsSnapshot.WindowCategory? in
                guard sums.orders > 0 else { return nil }
                return AnalyticsSnapshot.WindowCategory(
                    category: catalog.categories[slot].name,
                    orders: sums.orders,
                    units: sums.units,
                    revenueCents: sums.revenueCents,
                    averageOrderValueCents: sums.averageOrderValueCents
                )
            }.sorted { $0.category < $1.category }
            return AnalyticsSnapshot.Window(
                startMicros: window.start,
                endMicros: window.start + rules.windowMicros,
                isClosed: window.isClosed,
                orders: window.sums.orders,
                units: window.sums.units,
                revenueCents: window.sums.revenueCents,
                averageOrderValueCents: window.sums.averageOrderValueCents,
                uniqueCustomers: window.customerCount,
                categories: categories
            )
        }
    }

    private func recentRows() -> [AnalyticsSnapshot.RecentOrder] {
        recent.newestFirst.map { entry in
            AnalyticsSnapshot.RecentOrder(
                orderID: entry.field(0),
                productID: entry.field(1),
                productName: entry.field(2),
                category: entry.field(3),
                priceCents: Money.cents(Int128(entry.priceMicros)),
                quantity: entry.quantity,
                customerID: entry.field(4),
                eventTimeMicros: entry.eventTimeMicros,
                totalValueCents: Money.cents(Int128(entry.priceMicros) * Int128(entry.quantity))
            )
        }
    }

    private func pipeline(_ runtime: RuntimeFigures) -> AnalyticsSnapshot.Pipeline {
        AnalyticsSnapshot.Pipeline(
            recordsIn: recordsIn,
            ordersCounted: totals.orders,
            duplicates: duplicates,
            lateRecords: lateRecords,
            malformed: MalformedReason.allCases.map { ($0, malformed[$0.index]) },
            watermarkMicros: watermarkMicros == Int64.min ? nil : watermarkMicros,
            maxEventMicros: maxEventMicros == Int64.min ? nil : maxEventMicros,
            partitions: partitions.keys.sorted().map { partition in
                let next = partitions[partition]!.nextOffset
                return AnalyticsSnapshot.PartitionLag(
                    partition: partition,
                    nextOffset: next,
                    highWatermark: max(next, runtime.highWatermarks[partition] ?? next)
                )
            },
            recordsPerSecond: runtime.recordsPerSecond,
            latencyP50Milliseconds: runtime.latencyP50Milliseconds,
            latencyP99Milliseconds: runtime.latencyP99Milliseconds,
            recentLate: recentLate
        )
    }
}
