using System.Text;
using Slipway.Supervisor.XmlRpc;

namespace Slipway.Supervisor.Rpc;

/// <summary>readLog / readProcessLog and tailProcessLog: byte ranges of a log file, with supervisord's faults and offsets.</summary>
internal static class LogFileReads
{
    internal static string ReadFile(string path, int offset, int length)
    {
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            byte[] data;
            if (offset < 0)
            {
                if (length != 0)
                {
                    throw Faults.Error(Faults.BadArguments);
                }

                var size = f.Length;
                var pos = Math.Max(0, size + offset);
                f.Seek(pos, SeekOrigin.Begin);
                data = ReadUpTo(f, (int)Math.Min(-(long)offset, size - pos));
            }
            else
            {
                if (length < 0)
                {
                    throw Faults.Error(Faults.BadArguments);
                }

                f.Seek(offset, SeekOrigin.Begin);
                data = ReadUpTo(f, length == 0 ? (int)Math.Max(0, f.Length - offset) : length);
            }

            return Encoding.UTF8.GetString(data);
        }
        catch (IOException)
        {
            throw Faults.Error(Faults.Failed);
        }
    }

    private static byte[] ReadUpTo(FileStream f, int count)
    {
        var buffer = new byte[Math.Max(0, count)];
        var total = 0;
        while (total < buffer.Length)
        {
            var n = f.Read(buffer, total, buffer.Length - total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total == buffer.Length ? buffer : buffer[..total];
    }

    internal static List<object?> TailFile(string path, int offset, int length)
    {
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var overflow = false;
            var size = f.Length;
            long off = offset;
            long len = length;
            if (size > off + len)
            {
                overflow = true;
                off = size - 1;
            }

            if (off + len > size)
            {
                if (off > size - 1)
                {
                    len = 0;
                }

                off = size - len;
            }

            off = Math.Max(0, off);
            len = Math.Max(0, len);
            var data = Array.Empty<byte>();
            if (len > 0)
            {
                f.Seek(off, SeekOrigin.Begin);
                data = ReadUpTo(f, (int)len);
            }

            return [Encoding.UTF8.GetString(data), size, overflow];
        }
        catch (IOException)
        {
            return ["", offset, false];
        }
    }
}
