import Common

/// `/api/openapi.json`: an OpenAPI 3.1 document written from the route table, so every
/// route is in it, with the request bodies' schemas and the error answer.
enum OpenAPIDocument {
    static func json(for routes: RouteTable) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 32 * 1024)
        writer.beginObject()
        writer.key("openapi")
        writer.string("3.1.0")
        writer.key("info")
        writer.beginObject()
        writer.key("title")
        writer.string("ASEED dashboard API")
        writer.key("version")
        writer.string("1")
        writer.key("description")
        writer.string(
            """
            Live order analytics, component status and control, and a read-only broker console. Requests that \
            change state need 'Authorization: Bearer <admin token>'.
            """
        )
        writer.endObject()
        writer.key("paths")
        writer.beginObject()
        var paths: [String] = []
        for route in routes.routes where !paths.contains(route.path) { paths.append(route.path) }
        for path in paths {
            writer.key(path)
            writer.beginObject()
            for route in routes.routes where route.path == path { writeOperation(route, to: &writer) }
            writer.endObject()
        }
        writer.endObject()
        writer.key("components")
        writeComponents(to: &writer)
        writer.endObject()
        return writer.bytes
    }

    private static func writeOperation(_ route: RouteTable.Route, to writer: inout JSONWriter) {
        writer.key(route.method.rawValue.lowercased())
        writer.beginObject()
        writer.key("summary")
        writer.string(route.summary)
        if !route.parameters.isEmpty {
            writer.key("parameters")
            writer.beginArray()
            for parameter in route.parameters {
                writer.beginObject()
                writer.key("name")
                writer.string(parameter.name)
                writer.key("in")
                writer.string(parameter.inPath ? "path" : "query")
                writer.key("required")
                writer.bool(parameter.inPath)
                writer.key("description")
                writer.string(parameter.description)
                writer.key("schema")
                writer.raw(#"{"type":"string"}"#)
                writer.endObject()
            }
            writer.endArray()
        }
        if let schema = route.bodySchema {
            writer.key("requestBody")
            writer.raw(
                ##"""
                    {"required":true,\##
                    "content":{"application/json":{"schema":{"$ref":"#/components/schemas/\##(schema)"}}}}
                """##
            )
        }
        if route.needsToken {
            writer.key("security")
            writer.raw(#"[{"adminToken":[]}]"#)
        }
        writer.key("responses")
        writer.beginObject()
        writer.key(String(route.success.status))
        writer.beginObject()
        writer.key("description")
        writer.string(route.success.description)
        writer.key("content")
        writer.raw(#"{"\#(route.success.contentType)":{}}"#)
        writer.endObject()
        var errors = route.errors
        if route.needsToken { errors.insert(401, at: 0) }
        if route.bodySchema != nil { errors += [400, 413] }
        for status in errors {
            writer.key(String(status))
            writer.raw(
                ##"""
                    {"description":"\##(errorDescription(status))",\##
                    "content":{"application/json":{"schema":{"$ref":"#/components/schemas/Error"}}}}
                """##
            )
        }
        writer.endObject()
        writer.endObject()
    }

    private static func errorDescription(_ status: Int) -> String {
        switch status {
        case 400: "malformed JSON, a missing field or an invalid parameter"
        case 401: "missing or wrong admin token"
        case 403: "the Origin is not allowed, or the cluster refused the console's login"
        case 404: "no such item"
        case 409: "cannot be done now"
        case 413: "the body is larger than the limit"
        case 426: "a WebSocket upgrade is expected"
        default: "unavailable now"
        }
    }

    private static func writeComponents(to writer: inout JSONWriter) {
        let money = #"{"type":"number","minimum":0}"#
        let count = #"{"type":"integer","minimum":0}"#
        let text = #"{"type":"string"}"#
        let batch = #""batch_id":{"type":["integer","string"]},"timestamp":\#(text)"#
        writer.beginObject()
        writer.key("securitySchemes")
        writer.raw(
            #"""
            {"adminToken":{"type":"http","scheme":"bearer","description":"the token in \#
            <data-dir>/dashboard/admin-token or --admin-token"}}
            """#
        )
        writer.key("schemas")
        writer.beginObject()
        writer.key("Error")
        writer.raw(
            #"{"type":"object","required":["error","message"],"properties":{"error":\#(text),"message":\#(text)}}"#
        )
        writer.key("TopProductsBody")
        writer.raw(
            #"""
            {"type":"object","required":["batch_id","timestamp","products"],"properties":{\#(batch),\#
            "products":{"type":"array","items":{"type":"object","required":["product_id","product_name",\#
            "category","order_count","total_quantity","total_revenue","avg_price"],\#
            "properties":{"product_id":\#(text),"product_name":\#(text),"category":\#(text),\#
            "order_count":\#(count),"total_quantity":\#(count),"total_revenue":\#(money),\#
            "avg_price":\#(money)}}}}}
            """#
        )
        writer.key("CategoriesBody")
        writer.raw(
            #"""
            {"type":"object","required":["batch_id","timestamp","categories"],"properties":{\#(batch),\#
            "categories":{"type":"array","items":{"type":"object","required":["category","order_count",\#
            "total_quantity","total_revenue","unique_products"],"properties":{"category":\#(text),\#
            "order_count":\#(count),"total_quantity":\#(count),"total_revenue":\#(money),\#
            "unique_products":\#(count)}}}}}
            """#
        )
        writer.key("RawOrdersBody")
        writer.raw(
            #"""
            {"type":"object","required":["batch_id","timestamp","orders"],"properties":{\#(batch),\#
            "orders":{"type":"array","items":{"type":"object","required":["order_id","product_id","product_name",\#
            "category","price","quantity","customer_id","timestamp","total_value"],\#
            "properties":{"order_id":\#(text),"product_id":\#(text),"product_name":\#(text),"category":\#(text),\#
            "price":\#(money),"quantity":\#(count),"customer_id":\#(text),"timestamp":\#(text),\#
            "total_value":\#(money)}}}}}
            """#
        )
        writer.key("ExternalSummaryBody")
        writer.raw(
            #"""
            {"type":"object","required":["batch_id","timestamp","totals","duplicates","late_records","malformed"],\#
            "properties":{\#(batch),"analyzer":\#(text),"parallelism":{"type":"integer","minimum":1},\#
            "totals":{"type":"object","required":["orders","units","revenue","unique_customers"],"properties":{\#
            "orders":\#(count),"units":\#(count),"revenue":\#(money),"unique_customers":\#(count)}},\#
            "duplicates":\#(count),"late_records":\#(count),"malformed":\#(count),\#
            "windows":{"type":"array","items":{"type":"object","required":["start","end","orders","units","revenue"],\#
            "properties":{"start":\#(text),"end":\#(text),"orders":\#(count),"units":\#(count),"revenue":\#(money)}}}}}
            """#
        )
        writeTopicActionSchemas(to: &writer, text: text)
        writer.key("LabAnswer")
        writer.raw(
            #"""
            {"type":"object","required":["name","step","answer"],"properties":{"name":\#(text),"step":\#(text),\#
            "answer":\#(text)}}
            """#
        )
        writer.key("ClassReset")
        writer.raw(
            #"""
            {"type":"object","required":["orders"],"properties":{"orders":{"enum":["keep","truncate"]},\#
            "seed":{"type":"integer","minimum":0,"maximum":9223372036854775807},"scenario":\#(text)}}
            """#
        )
        writer.key("SnapshotName")
        writer.raw(
            #"""
            {"type":"object","required":["name"],"properties":{"name":{"type":"string",\#
            "pattern":"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$"}}}
            """#
        )
        writer.key("SimulatorCommand")
        writer.raw(
            #"""
            {"oneOf":[{"type":"object","required":["action"],"properties":{"action":{"enum":["start","stop",\#
            "pause","resume"]}}},{"type":"object","required":["rate"],"properties":{"rate":{"type":"number",\#
            "exclusiveMinimum":0}}},{"type":"object","required":["scenario"],"properties":{"scenario":\#(text)}}]}
            """#
        )
        writer.endObject()
        writer.endObject()
    }

    /// The bodies of the console's topic actions.
    private static func writeTopicActionSchemas(to writer: inout JSONWriter, text: String) {
        let partition = #"{"type":"integer","minimum":0}"#
        writer.key("NewTopicBody")
        writer.raw(
            #"""
            {"type":"object","required":["name"],"properties":{"name":\#(text),"partitions":{"type":"integer",\#
            "minimum":1,"default":1},"configs":{"type":"object","additionalProperties":\#(text)}}}
            """#
        )
        writer.key("PartitionsBody")
        writer.raw(#"{"type":"object","required":["count"],"properties":{"count":{"type":"integer","minimum":1}}}"#)
        writer.key("ConfigsBody")
        writer.raw(
            #"""
            {"type":"object","properties":{"set":{"type":"object","additionalProperties":\#(text)},\#
            "delete":{"type":"array","items":\#(text)}}}
            """#
        )
        writer.key("DeleteRecordsBody")
        writer.raw(
            #"""
            {"type":"object","required":["before"],"properties":{"partition":\#(partition),\#
            "before":{"type":"integer","minimum":-1,"description":"records below this offset go; -1 for all"}}}
            """#
        )
        writer.key("ResetOffsetsBody")
        writer.raw(
            #"""
            {"type":"object","required":["to"],"properties":{"to":{"enum":["earliest","latest","time","offset",\#
            "shift"]},"value":{"type":"integer","description":"time: ms since the epoch; offset; shift: records"},\#
            "topic":\#(text)}}
            """#
        )
        writer.key("RecordBody")
        writer.raw(
            #"""
            {"type":"object","properties":{"partition":\#(partition),"key":\#(text),"value":\#(text),\#
            "headers":{"type":"array","items":{"type":"object","required":["key","value"],\#
            "properties":{"key":\#(text),"value":\#(text)}}}}}
            """#
        )
    }
}
