using System.Text;

namespace Slipway.Queue.Sqs;

/// <summary>
/// Slipway queue names onto SQS queue names (1 to 80 of A-Z a-z 0-9 _ -): "_" is written "__", "." "_d" and ":" "_c",
/// so the mapping reads back unambiguously, left to right. A queue whose name ends in ".fifo" is an SQS FIFO queue:
/// the rest is encoded and ".fifo" kept (SQS's own rule for FIFO names; no other name has a "."). A queue's dead-letter
/// list is a second SQS queue, always a standard one, its encoded name followed by "_X" (an escape no queue name
/// produces). Both start with the URL's prefix.
/// </summary>
internal static class SqsNames
{
    public const int MaxLength = 80;
    public const string FifoSuffix = ".fifo";
    private const string DeadMark = "_X";

    /// <summary>Whether the Slipway queue is an SQS FIFO queue (its name ends in ".fifo").</summary>
    public static bool IsFifo(string queue) => queue.Length > FifoSuffix.Length && queue.EndsWith(FifoSuffix, StringComparison.Ordinal);

    public static string Main(string prefix, string queue) =>
        Checked(IsFifo(queue) ? prefix + Encode(queue[..^FifoSuffix.Length]) + FifoSuffix : prefix + Encode(queue), queue);

    public static string Dead(string prefix, string queue) => Checked(prefix + Encode(queue) + DeadMark, queue);

    private static string Checked(string name, string queue) =>
        name.Length <= MaxLength
            ? name
            : throw new QueueException(
                $"Queue '{queue}' is too long for the sqs engine: its SQS name '{name}' (with the URL's prefix) would pass SQS's {MaxLength} characters.");

    public static string Encode(string queue)
    {
        var sb = new StringBuilder(queue.Length + 4);
        foreach (var c in queue)
        {
            sb.Append(c switch
            {
                '_' => "__",
                '.' => "_d",
                ':' => "_c",
                _ => c.ToString(),
            });
        }

        return sb.ToString();
    }

    /// <summary>The Slipway queue of an SQS queue name after the prefix, and whether it is the dead-letter queue; null when it is not one of ours.</summary>
    public static (string Queue, bool Dead)? Decode(string name)
    {
        if (name.Length > FifoSuffix.Length && name.EndsWith(FifoSuffix, StringComparison.Ordinal))
        {
            return Decode(name[..^FifoSuffix.Length]) is (var queue, false) ? (queue + FifoSuffix, false) : null;
        }

        var sb = new StringBuilder(name.Length);
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] != '_')
            {
                sb.Append(name[i]);
                continue;
            }

            if (i + 1 >= name.Length)
            {
                return null;
            }

            switch (name[++i])
            {
                case '_':
                    sb.Append('_');
                    break;
                case 'd':
                    sb.Append('.');
                    break;
                case 'c':
                    sb.Append(':');
                    break;
                case 'X' when i == name.Length - 1:
                    return sb.Length > 0 ? (sb.ToString(), true) : null;
                default:
                    return null;
            }
        }

        return sb.Length > 0 ? (sb.ToString(), false) : null;
    }
}
