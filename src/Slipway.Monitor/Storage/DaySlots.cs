using System.Buffers.Binary;

namespace Slipway.Monitor.Storage;

/// <summary>
/// A day of one series at one resolution as one blob: per slot (288 five-minute or 24 hourly slots) min, avg and max as
/// float32, NaN for an empty slot. A row per bucket would cost about 40 bytes with its keys; a day per row costs 12
/// bytes a slot, which is what keeps a year of 1,000 checks a minute under 1 GB (docs/monitor.md). Pure.
/// </summary>
public static class DaySlots
{
    public static int SlotsPerDay(Resolution r) => r == Resolution.FiveMinutes ? 288 : 24;

    public static TimeSpan SlotLength(Resolution r) => r == Resolution.FiveMinutes ? TimeSpan.FromMinutes(5) : TimeSpan.FromHours(1);

    /// <summary>Days since the Unix epoch, UTC.</summary>
    public static long Day(DateTimeOffset at) => (long)Math.Floor((at - DateTimeOffset.UnixEpoch).TotalDays);

    public static int Slot(DateTimeOffset at, Resolution r) =>
        (int)((at - DateTimeOffset.UnixEpoch.AddDays(Day(at))).Ticks / SlotLength(r).Ticks);

    public static byte[] Empty(Resolution r)
    {
        var blob = new byte[SlotsPerDay(r) * 12];
        for (var i = 0; i < blob.Length; i += 4)
        {
            BinaryPrimitives.WriteSingleLittleEndian(blob.AsSpan(i), float.NaN);
        }

        return blob;
    }

    public static void Set(byte[] blob, int slot, double min, double avg, double max)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var at = blob.AsSpan(slot * 12);
        BinaryPrimitives.WriteSingleLittleEndian(at, (float)min);
        BinaryPrimitives.WriteSingleLittleEndian(at[4..], (float)avg);
        BinaryPrimitives.WriteSingleLittleEndian(at[8..], (float)max);
    }

    /// <summary>The filled slots of a day's blob as points.</summary>
    public static IEnumerable<PerfPoint> Points(byte[] blob, long day, Resolution r)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var start = DateTimeOffset.UnixEpoch.AddDays(day);
        for (var slot = 0; slot < blob.Length / 12; slot++)
        {
            var avg = BinaryPrimitives.ReadSingleLittleEndian(blob.AsSpan((slot * 12) + 4));
            if (!float.IsNaN(avg))
            {
                yield return new PerfPoint(start + (SlotLength(r) * slot), BinaryPrimitives.ReadSingleLittleEndian(blob.AsSpan(slot * 12)),
                    avg, BinaryPrimitives.ReadSingleLittleEndian(blob.AsSpan((slot * 12) + 8)));
            }
        }
    }
}
