using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.SQS.Model;

namespace Slipway.Queue.Sqs;

/// <summary>
/// What a send to an SQS FIFO queue (a URL ending in ".fifo") needs beside the body. One message group per queue, its
/// SQS name, so the queue hands jobs out in push order, one group in flight at a time. The deduplication id is the
/// idempotency key on a job's first send (SQS then drops a second push of the key within its 5 minutes), and otherwise
/// the job id with its counters, which every give-back and replay moves on, so a re-send is never taken for a
/// duplicate. FIFO queues take no delay per message, so none is sent. Pure.
/// </summary>
internal static class Fifo
{
    /// <summary>SQS's longest MessageDeduplicationId.</summary>
    private const int MaxDedupLength = 128;

    public static bool IsFifoUrl(string queueUrl) => queueUrl.EndsWith(SqsNames.FifoSuffix, StringComparison.Ordinal);

    public static SendMessageBatchRequestEntry Entry(string queueUrl, string id, string body, Dictionary<string, MessageAttributeValue> attributes, int delay)
    {
        var entry = new SendMessageBatchRequestEntry(id, body) { MessageAttributes = attributes };
        if (!IsFifoUrl(queueUrl))
        {
            entry.DelaySeconds = delay;
            return entry;
        }

        entry.MessageGroupId = queueUrl[(queueUrl.LastIndexOf('/') + 1)..];
        entry.MessageDeduplicationId = DeduplicationId(attributes);
        return entry;
    }

    /// <summary>The key on a first send (no attempt counted yet), else job id, attempt base and spent base.</summary>
    public static string DeduplicationId(IReadOnlyDictionary<string, MessageAttributeValue> attributes)
    {
        string Read(string name) => attributes.TryGetValue(name, out var v) ? v.StringValue ?? "" : "";
        var firstSend = Read("attempt_base") is "" or "0" && Read("spent_base") is "" or "0";
        if (firstSend && attributes.TryGetValue("idempotency_key", out var key) && !string.IsNullOrEmpty(key.StringValue))
        {
            return FromKey(key.StringValue);
        }

        return string.Create(CultureInfo.InvariantCulture, $"j:{Read("job_id")}-{Read("attempt_base")}-{Read("spent_base")}");
    }

    /// <summary>"k:" and the key when SQS takes it (up to 128 of ASCII ! to ~ in all), else "h:" and its SHA-256 in hex.</summary>
    public static string FromKey(string key) =>
        key.Length <= MaxDedupLength - 2 && key.All(c => c is >= '!' and <= '~')
            ? "k:" + key
            : "h:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
