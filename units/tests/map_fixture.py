"""A tiny map in the shape of the published lists: two old provinces, one absorbed by the
other; a district wholly become a đặc khu; an island district with no commune; a commune
split between two new ones."""

from __future__ import annotations

from units.mapdata import MappedUnit, NewUnit, OldUnit, Sources

HP, HD = "thanhphohaiphong", "tinhhaiduong"


def _old(province, district, code, name, short, key):
    provinces = {
        "31": ("Thành phố Hải Phòng", "Hải Phòng", HP),
        "30": ("Tỉnh Hải Dương", "Hải Dương", HD),
    }
    districts = {
        "317": ("Huyện Cát Hải", "Cát Hải", "huyencathai"),
        "318": ("Huyện Bạch Long Vĩ", "Bạch Long Vĩ", "huyenbachlongvi"),
        "288": ("Huyện Thanh Hà", "Thanh Hà", "huyenthanhha"),
    }
    p, d = provinces[province], districts[district]
    return OldUnit(province, *p, district, *d, code, name, short, f"{p[2]}_{d[2]}_{key}")


def sources() -> Sources:
    old = [
        _old("31", "317", "11914", "Thị trấn Cát Bà", "Cát Bà", "thitrancatba"),
        _old("31", "317", "11917", "Thị trấn Cát Hải", "Cát Hải", "thitrancathai"),
        _old("31", "318", "", "", "", ""),
        _old("30", "288", "10001", "Xã Thanh An", "Thanh An", "xathanhan"),
        _old("30", "288", "10002", "Xã Thanh Lang", "Thanh Lang", "xathanhlang"),
    ]
    new = [
        NewUnit("31", "Thành phố Hải Phòng"),
        NewUnit("11914", "Đặc khu Cát Hải", "31"),
        NewUnit("11948", "Đặc khu Bạch Long Vĩ", "31"),
        NewUnit("10005", "Xã Thanh Hà", "31"),
        NewUnit("10008", "Xã Hà Bắc", "31"),
    ]
    mapped = [
        MappedUnit(HP, "dkcathai", "31", "Đặc khu Cát Hải", "Cát Hải", "11914"),
        MappedUnit(HP, "dkbachlongvi", "31", "Đặc khu Bạch Long Vĩ", "Bạch Long Vĩ", "11948"),
        MappedUnit(HP, "xathanhha", "31", "Xã Thanh Hà", "Thanh Hà", "10006"),
        MappedUnit(HP, "xahabac", "31", "Xã Hà Bắc", "Hà Bắc", "10008"),
    ]
    return Sources(
        old=old,
        new=new,
        mapped=mapped,
        provinces={HP: [HD, HP]},
        undivided={
            HP: {
                "dkcathai": [old[0].key, old[1].key],
                "dkbachlongvi": [old[2].key],
                "xathanhha": [old[3].key],
            }
        },
        divided={HP: {old[4].key: ["xathanhha", "xahabac"]}},
        old_label="old-list 1.0",
        new_label="new-list 2025.1",
    )
