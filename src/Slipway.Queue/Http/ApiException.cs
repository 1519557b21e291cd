namespace Slipway.Queue.Http;

/// <summary>A request the API refuses: the status and the message the client gets as <c>{"error": "…"}</c>.</summary>
public sealed class ApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public static ApiException BadRequest(string message) => new(400, message);
}
