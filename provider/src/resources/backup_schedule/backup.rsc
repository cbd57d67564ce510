:local prefix "{{prefix}}"
:local keep {{keep}}
:local date [/system clock get date]
:local time [/system clock get time]
:local name ($prefix . "_" . [:pick $date 0 4] . [:pick $date 5 7] . [:pick $date 8 10] . "_" . [:pick $time 0 2] . [:pick $time 3 5] . [:pick $time 6 8])
/system backup save name=$name {{save}}
:log info ("{{message}}" . $name . ".backup")
:foreach old in=[/file find where type="backup"] do={
    :local oldname [/file get $old name]
    :if ([:find $oldname ($prefix . "_")] = 0) do={
        :local oldtime [/file get $old {{time}}]
        :local newer 0
        :foreach other in=[/file find where type="backup"] do={
            :local othername [/file get $other name]
            :if ([:find $othername ($prefix . "_")] = 0 && [/file get $other {{time}}] > $oldtime) do={
                :set newer ($newer + 1)
            }
        }
        :if ($newer >= $keep) do={ /file remove $old }
    }
}
