namespace Slipway.Queue;

/// <summary>
/// The store cannot be reached right now (Redis down, a connection lost mid-call): worth retrying, unlike a
/// <see cref="QueueException"/>. The SQL engines report the same as their provider's <c>DbException</c>.
/// </summary>
public sealed class QueueUnavailableException : Exception
{
    public QueueUnavailableException()
    {
    }

    public QueueUnavailableException(string message)
        : base(message)
    {
    }

    public QueueUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
