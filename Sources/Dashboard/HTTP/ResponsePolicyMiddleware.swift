import HTTPTypes
import Hummingbird
import Logging

/// Wraps every route (and the not-found answer): errors become the API's JSON errors, a
/// known path asked with another method becomes 405 with `Allow`, every answer gets the
/// security headers, and each request is counted for `/metrics`.
struct ResponsePolicyMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable
    let counters: HTTPCounters

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            response = error.response()
        } catch let error as any HTTPResponseError {
            response = translate(error, request: request).response()
        } catch {
            context.logger.error("\(request.method) \(request.uri.path) failed: \(error)")
            response = APIError(
                .internalServerError,
                "internal",
                "the server failed to answer: \(error); see dashboard.log"
            ).response()
        }
        SecurityHeaders.apply(to: &response.headers)
        counters.count(
            route: routes.pattern(matching: request.uri.path) ?? "unmatched",
            method: request.method.rawValue,
            status: response.status.code
        )
        return response
    }

    /// Hummingbird's own errors (not found, body too large) in the API's words.
    private func translate(_ error: any HTTPResponseError, request: Request) -> APIError {
        switch error.status {
        case .notFound:
            let allowed = routes.methods(forPath: request.uri.path)
            if !allowed.isEmpty {
                var headers = HTTPFields()
                headers[.allow] = allowed.joined(separator: ", ")
                return APIError(
                    .methodNotAllowed,
                    "method-not-allowed",
                    """
                    \(request.method) is not supported on \(request.uri.path); use \
                    \(allowed.joined(separator: " or "))
                    """,
                    headers: headers
                )
            }
            return .notFound("no route \(request.uri.path); /api/openapi.json lists every route")
        case .contentTooLarge:
            return APIError(
                .contentTooLarge,
                "body-too-large",
                "the request body is larger than the limit (--dashboard-body-limit)"
            )
        default:
            return APIError(error.status, "http-\(error.status.code)", error.status.reasonPhrase)
        }
    }
}
