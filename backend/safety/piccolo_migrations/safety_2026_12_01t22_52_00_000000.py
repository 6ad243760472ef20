"""Natural keys and look-up indexes of the safety tables (composite, so written by hand), and the
national default checklists (version 1, no county) of domain rules §4, §5, §5b, with the routine
keys of interfaces §7. A later change of a default is a new migration adding version 2: entries
keep pointing at the version they were recorded with."""

import json
from datetime import UTC, datetime

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-01T22:52:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "safety natural keys and indexes; the default checklists"

STATEMENTS = (
    "CREATE UNIQUE INDEX IF NOT EXISTS safety_entry_client_id ON safety_entry (home, client_id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS safety_entry_home_seq ON safety_entry (home, seq)",
    "CREATE INDEX IF NOT EXISTS safety_entry_home_routine_period ON safety_entry (home, routine, period)",
    "CREATE INDEX IF NOT EXISTS safety_entry_home_performed ON safety_entry (home, performed_at)",
    "CREATE INDEX IF NOT EXISTS safety_template_routine ON safety_template (routine, county, version)",
    "CREATE INDEX IF NOT EXISTS safety_hazard_home_status ON safety_hazard (home, status)",
    "CREATE INDEX IF NOT EXISTS canteen_licence_home ON canteen_licence (home, recorded_at)",
    "CREATE INDEX IF NOT EXISTS outbreak_report_home ON outbreak_report (home, reported_at)",
)


def _item(key, label, major=False, photo=False):
    return {"key": key, "label": label, "major": major, "photo_on_fail": photo}


# (routine, title, frequency, items)
DEFAULTS = (
    ("fire_patrol", "防火巡查", "daily", [
        _item("exits_clear", "疏散通道、楼梯间畅通，无堆放杂物", photo=True),
        _item("exit_doors_unlocked", "安全出口门未上锁、未封堵", major=True, photo=True),
        _item("emergency_lights", "应急照明、疏散指示标志完好"),
        _item("extinguishers", "灭火器在位，压力指针在绿区", photo=True),
        _item("hydrants", "消火栓无遮挡，可正常使用"),
        _item("electrical", "无违规用电（电暖器、室内给电动车充电）", major=True, photo=True),
        _item("no_open_flame", "无明火、无吸烟"),
        _item("kitchen_gas", "厨房用餐后燃气已关闭"),
        _item("fire_doors", "常闭式防火门处于关闭状态"),
        _item("alarm_panel", "火灾报警控制器无故障"),
        _item("combustibles", "无易燃可燃物堆放"),
        _item("control_room", "消防控制室有人值班（设有时）"),
    ]),
    ("night_patrol", "夜间巡查", "nightly", [
        _item("rooms_checked", "居室巡视，老人状况正常"),
        _item("exits_clear", "疏散通道畅通", photo=True),
        _item("exit_doors_unlocked", "安全出口门未上锁、未封堵", major=True, photo=True),
        _item("electrical", "无违规用电、无充电隐患", major=True, photo=True),
        _item("no_open_flame", "无明火、无吸烟"),
        _item("kitchen_gas", "厨房燃气已关闭"),
    ]),
    ("fire_inspection", "防火检查", "monthly", [
        _item("fire_facilities", "消防设施、器材完好有效", photo=True),
        _item("fire_doors", "防火门、防火卷帘完好"),
        _item("evacuation_signs", "疏散指示、应急照明完好"),
        _item("electrical_lines", "电气线路无老化、无私拉乱接", photo=True),
        _item("gas_equipment", "燃气设备、管道无泄漏"),
        _item("patrol_records", "每日防火巡查记录完整"),
        _item("staff_skills", "员工掌握报警、灭火、疏散技能"),
        _item("last_rectified", "上次检查发现的隐患已整改"),
    ]),
    ("extinguisher_check", "灭火器检查", "monthly", [
        _item("present", "数量、位置符合配置要求"),
        _item("pressure", "压力指针在绿区", photo=True),
        _item("seals", "铅封、保险销完好"),
        _item("hose", "喷射软管无老化、破损"),
        _item("in_service_life", "在维修期、报废期之内"),
    ]),
    ("evacuation_drill", "消防演练", "half_yearly", [
        _item("plan", "有演练方案并记录"),
        _item("staff_joined", "在岗员工全部参加"),
        _item("residents_evacuated", "组织老人疏散（含失能老人转移）"),
        _item("extinguisher_use", "演示并练习灭火器使用"),
        _item("review", "演练总结与改进措施"),
    ]),
    ("fire_system_test", "消防设施年度检测", "yearly", [
        _item("qualified_agency", "由具备资质的机构检测"),
        _item("alarm_system", "火灾自动报警系统检测合格", major=True, photo=True),
        _item("sprinklers", "自动喷水灭火系统检测合格（设有时）", major=True, photo=True),
        _item("hydrant_system", "消火栓系统检测合格", major=True, photo=True),
        _item("report_filed", "检测报告已存档"),
    ]),
    ("morning_check", "厨房人员晨检", "daily", [
        _item("all_checked", "当班厨房人员均已晨检"),
        _item("unwell_off_duty", "有发热、腹泻、皮肤伤口、咽痛者已调离岗位"),
        _item("clean_uniform", "工作衣帽整洁，未佩戴饰物"),
    ]),
    ("food_sample", "食品留样", "meal", [
        _item("every_dish", "每餐每个品种均已留样"),
        _item("sealed_labelled", "留样容器密封，标注餐次、品名、时间", photo=True),
        _item("dedicated_fridge", "专用冷藏设备，温度 0–8℃"),
    ]),
    ("tableware_disinfection", "餐具消毒", "meal", [
        _item("cleaned", "餐具清洗干净"),
        _item("disinfected", "高温或药物消毒到位"),
        _item("stored_clean", "消毒后存放于保洁柜"),
    ]),
    ("purchase_inspection", "进货查验", "event", [
        _item("supplier_licence", "供货者许可证照齐全"),
        _item("invoices_kept", "留存票据、凭证"),
        _item("quality", "感官检查合格，在保质期内", photo=True),
        _item("meat_quarantine", "肉类有检疫合格证明"),
        _item("ledger_entered", "已登记进货台账"),
    ]),
    ("disinfection", "清洁消毒", "daily", [
        _item("shared_rooms", "公共活动区域清洁消毒"),
        _item("toilets", "卫生间清洁消毒"),
        _item("dining_room", "餐厅清洁消毒"),
        _item("agent_recorded", "消毒剂名称、浓度已记录"),
    ]),
    ("ventilation", "开窗通风", "daily", [
        _item("living_rooms", "居室开窗通风"),
        _item("shared_rooms", "公共区域开窗通风"),
    ]),
)


class RawSQL(Table, tablename="safety_template", schema=None):
    pass


def canonical(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="safety", description=DESCRIPTION)

    async def run():
        for statement in STATEMENTS:
            await RawSQL.raw(statement)
        now = datetime.now(UTC)
        for routine, title, frequency, items in DEFAULTS:
            exists = await RawSQL.raw(
                "SELECT COUNT(*) AS n FROM safety_template WHERE county IS NULL AND routine = {}", routine
            )
            if exists and exists[0]["n"]:
                continue
            await RawSQL.raw(
                "INSERT INTO safety_template (county, routine, version, title, frequency, items, created_at, created_by) "
                "VALUES (NULL, {}, 1, {}, {}, {}, {}, 'system')",
                routine,
                title,
                frequency,
                canonical(items),
                now,
            )

    manager.add_raw(run)
    return manager
