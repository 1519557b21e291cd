namespace Slipway.Supervisor.Logging;

/// <summary>
/// How a chunk of output is laid across a size-rotated log so that no file ever holds more than maxBytes: fill the
/// current file, then a fresh file per maxBytes. When the chunk alone would push everything out of the rotation
/// (more files than the current one plus the backups), only its tail is written, into a rotation started afresh:
/// the result is the same as writing it all, without writing and renaming what would be deleted anyway.
/// Pure arithmetic, tested alone.
/// </summary>
/// <param name="Skip">Leading bytes of the chunk that would be rotated out of existence; not written.</param>
/// <param name="StartAfresh">The current file and every backup would be pushed out: remove them and start empty.</param>
public readonly record struct RotationSplit(int Skip, bool StartAfresh)
{
    /// <summary>The split for <paramref name="length"/> bytes written to a file of <paramref name="size"/> bytes.</summary>
    public static RotationSplit Plan(long size, long maxBytes, int backups, int length)
    {
        if (maxBytes <= 0 || length == 0)
        {
            return new RotationSplit(0, false);
        }

        var fitsInCurrent = Math.Max(0, maxBytes - size);
        var overflow = length - fitsInCurrent;
        if (overflow <= 0)
        {
            return new RotationSplit(0, false);
        }

        // The overflow fills fresh files of maxBytes each, the last one partly.
        var freshFiles = (overflow + maxBytes - 1) / maxBytes;
        if (freshFiles <= backups)
        {
            return new RotationSplit(0, false); // the current file survives as a backup
        }

        // Only the last backups+1 files survive: backups full ones and the (possibly partial) last.
        var last = overflow - ((freshFiles - 1) * maxBytes);
        var kept = (backups * maxBytes) + last;
        return new RotationSplit((int)(length - kept), true);
    }
}
