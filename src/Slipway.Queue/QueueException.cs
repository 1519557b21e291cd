namespace Slipway.Queue;

/// <summary>A queue error the user can act on (a bad URL, an engine that is not available).</summary>
public sealed class QueueException : Exception
{
    public QueueException()
    {
    }

    public QueueException(string message)
        : base(message)
    {
    }

    public QueueException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
