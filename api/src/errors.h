#pragma once

#include <string_view>

#include "issa/core/status.h"

#include "http.h"

// The one error renderer of the HTTP layer (OSRM's base_service idea): a Status becomes
// {"error":{"code","message","field","request_id"}} with the matching HTTP status.
namespace issa::api {

// InvalidArgument 400, Unauthenticated 401, PermissionDenied 403, NotFound 404,
// AlreadyExists/Aborted/FailedPrecondition 409, ResourceExhausted 429, Unimplemented 501,
// Unavailable 503, Internal/DataLoss (and anything else) 500.
int HttpStatusFor(StatusCode code);

// The error response for `status` (which must not be OK) with HTTP status `http_status`
// (HttpStatusFor(status.code()) when 0). Internal and DataLoss messages are logged with the
// request id and replaced by a generic text. Adds WWW-Authenticate for 401 and Retry-After
// for 503.
HttpResponse ErrorResponse(const Status& status, std::string_view request_id, int http_status = 0);

// Writes one line to stderr (the server's log).
void LogLine(std::string_view line);

}  // namespace issa::api
